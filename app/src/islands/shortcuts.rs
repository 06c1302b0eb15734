//! The console's keyboard shortcut: `/` jumps to the search box, unless
//! the agent is typing in a field, as in the tools agents already use.
//! Without JavaScript the box is focused on load anyway.

use leptos::prelude::*;

#[island]
pub fn SlashToSearch() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    listen();
    view! { <span hidden=true></span> }
}

#[cfg(feature = "hydrate")]
fn listen() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let doc = document.clone();
    let on_key =
        Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if e.key() != "/" || e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            let typing = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                        || el.has_attribute("contenteditable")
                });
            if typing {
                return;
            }
            if let Some(input) = doc
                .get_element_by_id("staff-q")
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                e.prevent_default();
                let _ = input.focus();
                input.select();
            }
        });
    let _ = document.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref());
    // Lives as long as the page.
    on_key.forget();
}
