//! First-load weight of a citizen page, as a phone with a cold cache would
//! fetch it from the release build: HTML, CSS, JS and WASM, compressed
//! (brotli, as browsers ask) and uncompressed.
//!
//! Run `make measure` (it builds the release site first). It is an example
//! in the dev profile, so measuring never rebuilds the release binary.
//! `PAGE=/some/path` measures another page.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Weight {
    kind: &'static str,
    url: String,
    compressed: usize,
    raw: usize,
}

async fn fetch(client: &reqwest::Client, url: &str, encoding: Option<&str>) -> (usize, String) {
    let mut req = client.get(url);
    if let Some(e) = encoding {
        req = req.header("accept-encoding", e);
    }
    let r = req.send().await.expect("fetch");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    let bytes = r.bytes().await.expect("body");
    (bytes.len(), String::from_utf8_lossy(&bytes).into_owned())
}

fn attr_values<'a>(html: &'a str, marker: &str) -> Vec<&'a str> {
    html.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let binary = root.join("target/release/doorstep");
    assert!(
        binary.exists() && root.join("target/site/pkg").exists(),
        "run `make build` first"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let db = std::env::temp_dir().join(format!("doorstep-bench-{port}.db"));
    let mut server = Command::new(&binary)
        .current_dir(&root)
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start doorstep");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let page = std::env::var("PAGE").unwrap_or_else(|_| "/life-events/moving-home".into());
    let (html_br, _) = fetch(&client, &format!("{base}{page}"), Some("br")).await;
    let (html_raw, html) = fetch(&client, &format!("{base}{page}"), None).await;
    let mut weights = vec![Weight {
        kind: "HTML",
        url: page.clone(),
        compressed: html_br,
        raw: html_raw,
    }];
    let mut assets: Vec<(&'static str, String)> = Vec::new();
    for href in attr_values(&html, "rel=\"stylesheet\" href=\"")
        .into_iter()
        .chain(attr_values(
            &html,
            "id=\"leptos\" rel=\"stylesheet\" href=\"",
        ))
    {
        assets.push(("CSS", href.to_owned()));
    }
    for href in attr_values(&html, "rel=\"modulepreload\" href=\"") {
        assets.push(("JS", href.to_owned()));
    }
    for href in attr_values(&html, "rel=\"preload\" href=\"") {
        if href.ends_with(".wasm") {
            assets.push(("WASM", href.to_owned()));
        }
    }
    for href in attr_values(&html, "rel=\"icon\" href=\"") {
        assets.push(("icon", href.to_owned()));
    }
    assets.dedup();
    for (kind, href) in assets {
        let (compressed, _) = fetch(&client, &format!("{base}{href}"), Some("br")).await;
        let (raw, _) = fetch(&client, &format!("{base}{href}"), None).await;
        weights.push(Weight {
            kind,
            url: href,
            compressed,
            raw,
        });
    }
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_file(&db);

    println!("First load of {page} (cold cache, brotli):");
    println!(
        "{:<6} {:>12} {:>14}  url",
        "kind", "compressed", "uncompressed"
    );
    for w in &weights {
        println!(
            "{:<6} {:>10} B {:>12} B  {}",
            w.kind, w.compressed, w.raw, w.url
        );
    }
    let total: usize = weights.iter().map(|w| w.compressed).sum();
    let html_css: usize = weights
        .iter()
        .filter(|w| w.kind == "HTML" || w.kind == "CSS")
        .map(|w| w.compressed)
        .sum();
    println!(
        "total compressed: {total} B ({:.1} KB); budget 100 KB",
        total as f64 / 1024.0
    );
    println!(
        "HTML + CSS compressed: {html_css} B ({:.1} KB); budget 30 KB",
        html_css as f64 / 1024.0
    );
}
