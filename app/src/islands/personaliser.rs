//! Updates a journey's steps the moment a triage answer changes, instead of
//! waiting for "Show my steps". Tasks carry their conditions in
//! `data-show-if`, so the browser needs no copy of the catalogue.

use leptos::prelude::*;

#[island]
pub fn Personaliser(children: Children) -> impl IntoView {
    let on_change = move |_ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        dom::personalise();
    };
    view! { <div on:change=on_change>{children()}</div> }
}

#[cfg(feature = "hydrate")]
mod dom {
    use wasm_bindgen::JsCast;
    use web_sys::{Document, Element, HtmlInputElement};

    fn all(doc: &Document, selector: &str) -> Vec<Element> {
        let Ok(list) = doc.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .collect()
    }

    /// Does `rule` (`q=a,b;r=c`) allow these answers? Unanswered questions
    /// hide nothing, as on the server.
    fn allowed(rule: &str, answers: &[(String, String)]) -> bool {
        rule.split(';').filter(|c| !c.is_empty()).all(|cond| {
            let Some((q, values)) = cond.split_once('=') else {
                return true;
            };
            match answers.iter().find(|(k, _)| k == q) {
                None => true,
                Some((_, v)) => values.split(',').any(|x| x == v),
            }
        })
    }

    pub fn personalise() {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let answers: Vec<(String, String)> = all(&doc, "#triage input[type=radio]")
            .into_iter()
            .filter_map(|e| e.dyn_into::<HtmlInputElement>().ok())
            .filter(|i| i.checked())
            .map(|i| (i.name(), i.value()))
            .collect();
        let mut number = 0;
        let mut last_shown: Option<Element> = None;
        for step in all(&doc, "#steps [data-step]") {
            let mut any = false;
            if let Ok(tasks) = step.query_selector_all("[data-show-if]") {
                for i in 0..tasks.length() {
                    let Some(task) = tasks.item(i).and_then(|n| n.dyn_into::<Element>().ok())
                    else {
                        continue;
                    };
                    let show = allowed(
                        &task.get_attribute("data-show-if").unwrap_or_default(),
                        &answers,
                    );
                    let _ = task.toggle_attribute_with_force("hidden", !show);
                    any |= show;
                }
            }
            let _ = step.toggle_attribute_with_force("hidden", !any);
            if any {
                number += 1;
                if let Ok(Some(n)) = step.query_selector("[data-step-number]") {
                    n.set_text_content(Some(&number.to_string()));
                }
                if let Ok(Some(c)) = step.query_selector("[data-connector]") {
                    let _ = c.toggle_attribute_with_force("hidden", false);
                }
                last_shown = Some(step);
            }
        }
        // No "and" after the last step still showing.
        if let Some(Ok(Some(c))) = last_shown.map(|s| s.query_selector("[data-connector]")) {
            let _ = c.toggle_attribute_with_force("hidden", true);
        }
        let query = answers
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        if let Ok(Some(field)) = doc.query_selector("[data-answers]") {
            if let Ok(input) = field.dyn_into::<HtmlInputElement>() {
                input.set_value(&query);
            }
        }
        if let Ok(Some(status)) = doc.query_selector("#steps-status") {
            status.set_text_content(Some(&format!(
                "Steps updated: {number} steps apply to you."
            )));
        }
        // Keep the address shareable, as it is without JavaScript.
        if let Some(w) = web_sys::window() {
            if let (Ok(history), Ok(path)) = (w.history(), w.location().pathname()) {
                let url = if query.is_empty() {
                    path
                } else {
                    format!("{path}?{query}")
                };
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
            }
        }
    }
}
