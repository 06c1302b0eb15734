//! A minimal `fetch` for islands, on web-sys alone: pulling in an HTTP or
//! JSON library would cost more WASM than every island put together.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// Sends a request and returns the response if it is a 2xx.
pub async fn send(
    method: &str,
    url: &str,
    accept: &str,
    form_body: Option<&str>,
) -> Option<Response> {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = form_body {
        init.set_body(&JsValue::from_str(body));
    }
    let request = Request::new_with_str_and_init(url, &init).ok()?;
    let headers = request.headers();
    headers.set("Accept", accept).ok()?;
    if form_body.is_some() {
        headers
            .set("Content-Type", "application/x-www-form-urlencoded")
            .ok()?;
    }
    let window = web_sys::window()?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    response.ok().then_some(response)
}

pub async fn text(response: &Response) -> Option<String> {
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}

/// Parses a JSON object and reads one field of it.
pub fn field(json: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(json, &JsValue::from_str(name)).ok()
}

pub async fn json(response: &Response) -> Option<JsValue> {
    js_sys::JSON::parse(&text(response).await?).ok()
}
