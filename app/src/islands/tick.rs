//! Ticks a plan's tasks in place. The forms post to `/plan/tasks` either way;
//! with JavaScript the post asks for JSON and the page updates without
//! reloading. If the request fails, the form is submitted normally.

use leptos::prelude::*;

#[island]
pub fn TickForms(children: Children) -> impl IntoView {
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        dom::submit(ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! { <div on:submit=on_submit>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod dom {
    use super::super::fetch;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlFormElement, HtmlInputElement};

    fn field(form: &HtmlFormElement, name: &str) -> Option<HtmlInputElement> {
        form.query_selector(&format!("input[name={name}]"))
            .ok()??
            .dyn_into()
            .ok()
    }

    pub fn submit(ev: leptos::ev::SubmitEvent) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlFormElement>().ok())
        else {
            return;
        };
        if !form.action().ends_with("/plan/tasks") {
            return;
        }
        let (Some(task), Some(done)) = (field(&form, "task"), field(&form, "done")) else {
            return;
        };
        ev.prevent_default();
        let body = format!(
            "task={}&done={}",
            String::from(js_sys::encode_uri_component(&task.value())),
            String::from(js_sys::encode_uri_component(&done.value()))
        );
        leptos::task::spawn_local(async move {
            let answer =
                match fetch::send("POST", "/plan/tasks", "application/json", Some(&body)).await {
                    Some(r) => fetch::json(&r).await,
                    None => None,
                };
            let done = answer
                .as_ref()
                .and_then(|a| fetch::field(a, "done"))
                .and_then(|v| v.as_bool());
            let progress = answer
                .as_ref()
                .and_then(|a| fetch::field(a, "progress"))
                .and_then(|v| v.as_string());
            match (done, progress) {
                (Some(done), Some(progress)) => update(&form, done, &progress),
                // Let the server handle it the plain way, and show any error.
                _ => {
                    let _ = form.submit();
                }
            }
        });
    }

    fn update(form: &HtmlFormElement, done: bool, progress: &str) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(row) = form.closest("[data-task]").ok().flatten() else {
            return;
        };
        let _ = row.set_attribute("data-done", if done { "true" } else { "false" });
        if let Ok(Some(tag)) = row.query_selector("[data-status]") {
            tag.set_text_content(Some(if done { "Done" } else { "To do" }));
            tag.set_class_name(if done {
                "ds-tag ds-tag--done"
            } else {
                "ds-tag ds-tag--todo"
            });
        }
        if let Some(next) = field(form, "done") {
            next.set_value(if done { "false" } else { "true" });
        }
        if let Ok(Some(label)) = form.query_selector("[data-action]") {
            label.set_text_content(Some(if done {
                "Mark as not done"
            } else {
                "Mark as done"
            }));
        }
        if let Ok(Some(p)) = doc.query_selector("#plan-progress") {
            p.set_text_content(Some(progress));
        }
    }
}
