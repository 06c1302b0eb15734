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
    use serde::Deserialize;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, HtmlFormElement, HtmlInputElement};

    #[derive(Deserialize)]
    struct Ticked {
        task: String,
        done: bool,
        progress: String,
    }

    fn field(form: &HtmlFormElement, name: &str) -> Option<HtmlInputElement> {
        form.query_selector(&format!("input[name={name}]")).ok()??.dyn_into().ok()
    }

    pub fn submit(ev: leptos::ev::SubmitEvent) {
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if !form.action().ends_with("/plan/tasks") {
            return;
        }
        let (Some(task), Some(done)) = (field(&form, "task"), field(&form, "done")) else { return };
        ev.prevent_default();
        let body = format!(
            "task={}&done={}",
            js_sys::encode_uri_component(&task.value()),
            js_sys::encode_uri_component(&done.value())
        );
        leptos::task::spawn_local(async move {
            let response = gloo_net::http::Request::post("/plan/tasks")
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(body);
            let result = match response {
                Ok(r) => r.send().await.ok(),
                Err(_) => None,
            };
            let ticked = match result {
                Some(r) if r.ok() => r.json::<Ticked>().await.ok(),
                _ => None,
            };
            match ticked {
                Some(t) => update(&form, &t),
                // Let the server handle it the plain way, and show any error.
                None => {
                    let _ = form.submit();
                }
            }
        });
    }

    fn update(form: &HtmlFormElement, t: &Ticked) {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(row) = form.closest("[data-task]").ok().flatten() else { return };
        let _ = row.set_attribute("data-done", &t.done.to_string());
        if let Ok(Some(tag)) = row.query_selector("[data-status]") {
            tag.set_text_content(Some(if t.done { "Done" } else { "To do" }));
            tag.set_class_name(if t.done { "ds-tag ds-tag--done" } else { "ds-tag ds-tag--todo" });
        }
        if let Some(done) = field(form, "done") {
            done.set_value(&(!t.done).to_string());
        }
        if let Ok(Some(button)) = form.query_selector("button") {
            if let Some(first) = button.first_child() {
                first.set_text_content(Some(if t.done { "Mark as not done" } else { "Mark as done" }));
            }
        }
        if let Ok(Some(p)) = doc.query_selector("#plan-progress") {
            p.set_text_content(Some(&t.progress));
        }
        let _: Option<Element> = None;
        let _ = &t.task;
    }
}
