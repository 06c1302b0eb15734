//! Simulates citizens over the demonstration catalogue and measures the
//! suggestion engine and the interactions API of the release build.
//!
//! Synthetic citizens have hidden "needs that go together" (bundles drawn at
//! random, unrelated to the curated links) plus popular noise, and areas
//! that favour some bundles. Their interactions go through the real HTTP
//! API; the report gives:
//! - hit rate at 5 on held-out journeys (given a citizen's first service,
//!   does one they went on to use appear in the top 5?) for the blended
//!   engine, popularity alone and curated links alone;
//! - ingestion throughput, batched and one at a time;
//! - suggestion latency inside the engine and over HTTP, the server's
//!   resident memory and its start-up time with `TOTAL` interactions stored.
//!
//! `make simulate` (or `make build`, then
//! `cargo run --profile sim -p server --example simulate`).
//! `TOTAL` (default 1000000) sets the size; `DATABASE_URL` another database.

use app::domain::suggest::{Context, Engine, Mode};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Citizen {
    journey: String,
    area: String,
    services: Vec<String>,
}

/// A world of bundles and areas, drawn from a fixed seed.
struct World {
    services: Vec<String>,
    bundles: Vec<Vec<String>>,
    areas: Vec<String>,
    rng: StdRng,
}

impl World {
    fn new(catalogue: &app::domain::catalogue::Catalogue) -> Self {
        let mut rng = StdRng::seed_from_u64(7);
        let services: Vec<String> = catalogue
            .services()
            .iter()
            .map(|s| s.slug.clone())
            .collect();
        let bundles = (0..15)
            .map(|_| {
                let n = rng.gen_range(3..=4);
                services.choose_multiple(&mut rng, n).cloned().collect()
            })
            .collect();
        let areas = catalogue
            .place
            .areas
            .iter()
            .map(|a| a.code.clone())
            .collect();
        World {
            services,
            bundles,
            areas,
            rng,
        }
    }

    fn citizen(&mut self, n: usize) -> Citizen {
        let area_i = self.rng.gen_range(0..self.areas.len());
        // Bundles follow a skewed popularity, and each area favours a few.
        let b = if self.rng.gen_bool(0.4) {
            (area_i * 7 + self.rng.gen_range(0..2)) % self.bundles.len()
        } else {
            let x: f64 = self.rng.gen();
            ((x * x) * self.bundles.len() as f64) as usize
        };
        let bundle = &self.bundles[b];
        let take = self.rng.gen_range(2..=bundle.len());
        let mut services: Vec<String> = bundle
            .choose_multiple(&mut self.rng, take)
            .cloned()
            .collect();
        for _ in 0..self.rng.gen_range(0..=2) {
            let x: f64 = self.rng.gen();
            let popular = &self.services[((x * x * x) * self.services.len() as f64) as usize];
            if !services.contains(popular) {
                services.push(popular.clone());
            }
        }
        services.shuffle(&mut self.rng);
        Citizen {
            journey: format!("sim{n}"),
            area: self.areas[area_i].clone(),
            services,
        }
    }
}

fn uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

fn interactions(c: &Citizen, next_id: &mut u64) -> Vec<Value> {
    c.services
        .iter()
        .map(|s| {
            *next_id += 1;
            json!({ "id": uuid(*next_id), "occurred_at": "2026-11-01T12:00:00Z", "kind": "service_viewed",
                    "channel": "partner", "service": s, "area": c.area, "journey": c.journey })
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn start(db: &str, port: u16) -> Child {
    Command::new(root().join("target/release/doorstep"))
        .current_dir(root())
        .env("DATABASE_URL", db)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start doorstep (run `make build` first)")
}

async fn wait_healthy(client: &reqwest::Client, base: &str) -> Duration {
    let started = Instant::now();
    while !client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .is_ok_and(|r| r.status().is_success())
    {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

fn rss_mb(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

#[tokio::main]
async fn main() {
    let total: usize = std::env::var("TOTAL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let catalogue =
        doorstep::catalogue_files::load(&root().join("server/catalogue")).expect("catalogue");
    let tmp = tempfile::tempdir().expect("tmp");
    let db = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", tmp.path().join("sim.db").display()));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();

    let key_out = Command::new(root().join("target/release/doorstep"))
        .args(["api-key", "create", "simulator"])
        .env("DATABASE_URL", &db)
        .stderr(Stdio::null())
        .output()
        .expect("create key");
    let key = String::from_utf8_lossy(&key_out.stdout).trim().to_owned();
    let mut server = start(&db, port);
    wait_healthy(&client, &base).await;

    let mut world = World::new(&catalogue);
    let mut next_id = 0u64;
    let send = |batch: Vec<Value>| {
        let client = client.clone();
        let url = format!("{base}/api/v1/interactions");
        let key = key.clone();
        async move {
            let r = client
                .post(url)
                .bearer_auth(key)
                .json(&json!({ "interactions": batch }))
                .send()
                .await
                .expect("send");
            assert!(
                r.status().is_success(),
                "{}",
                r.text().await.unwrap_or_default()
            );
        }
    };

    // Training citizens, batched through the API; the same data in-process
    // for the alternative engines.
    let mut engine = Engine::new(&catalogue);
    let mut pending = Vec::new();
    let mut sent = 0usize;
    let mut citizens = 0usize;
    let mut batched_time = Duration::ZERO;
    while sent + pending.len() < total {
        let c = world.citizen(citizens);
        citizens += 1;
        for s in &c.services {
            engine.observe(&c.journey, Some(&c.area), s);
        }
        pending.extend(interactions(&c, &mut next_id));
        if pending.len() >= 1000 {
            let batch: Vec<Value> = pending.drain(..1000).collect();
            let t = Instant::now();
            send(batch).await;
            batched_time += t.elapsed();
            sent += 1000;
        }
    }
    if !pending.is_empty() {
        sent += pending.len();
        let t = Instant::now();
        send(std::mem::take(&mut pending)).await;
        batched_time += t.elapsed();
    }

    // One at a time.
    let single_n = 2000;
    let t = Instant::now();
    for _ in 0..single_n {
        next_id += 1;
        let c = world.citizen(citizens);
        citizens += 1;
        send(vec![json!({ "id": uuid(next_id), "occurred_at": "2026-11-01T12:00:00Z", "kind": "search",
                          "channel": "partner", "query": "bins", "result_count": 3, "journey": c.journey })])
        .await;
    }
    let single_time = t.elapsed();

    // Held-out citizens: their first service is the context; a hit is any
    // of their other services in the top 5.
    let held: Vec<_> = (0..2000)
        .map(|i| world.citizen(10_000_000 + i))
        .filter(|c| c.services.len() >= 2)
        .collect();
    let mut hits = [0usize; 3];
    let mut inside = Vec::new();
    for c in &held {
        let ctx = Context {
            services: vec![c.services[0].clone()],
            area: Some(c.area.clone()),
            ..Default::default()
        };
        for (i, mode) in [Mode::Blended, Mode::PopularityOnly, Mode::CuratedOnly]
            .into_iter()
            .enumerate()
        {
            let t = Instant::now();
            let top = engine.suggest(&catalogue, &ctx, 5, mode);
            if i == 0 {
                inside.push(t.elapsed());
            }
            if top.iter().any(|s| c.services[1..].contains(&s.service)) {
                hits[i] += 1;
            }
        }
    }
    inside.sort();

    let mut over_http = Vec::new();
    for c in held.iter().take(1000) {
        let url = format!(
            "{base}/api/v1/suggestions?service={}&area={}",
            c.services[0], c.area
        );
        let t = Instant::now();
        let r = client.get(url).send().await.expect("suggest");
        let _ = r.bytes().await;
        over_http.push(t.elapsed());
    }
    over_http.sort();
    let rss = rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();

    let mut again = start(&db, port);
    let startup = wait_healthy(&client, &base).await;
    let _ = again.kill();
    let _ = again.wait();

    let pct = |h: usize| 100.0 * h as f64 / held.len() as f64;
    println!("Simulation: {citizens} citizens, {sent} interactions batched + {single_n} singly, database {}", db.split(':').next().unwrap_or("?"));
    println!("hit rate at 5 on {} held-out journeys:", held.len());
    println!("  blended (learned + curated): {:.1}%", pct(hits[0]));
    println!("  popularity alone:            {:.1}%", pct(hits[1]));
    println!("  curated links alone:         {:.1}%", pct(hits[2]));
    println!("ingestion through the API:");
    println!(
        "  batched (1000 per request):  {:.0} interactions/s",
        sent as f64 / batched_time.as_secs_f64()
    );
    println!(
        "  one per request:             {:.0} interactions/s",
        single_n as f64 / single_time.as_secs_f64()
    );
    println!("suggestion latency with {} interactions:", sent + single_n);
    println!(
        "  inside the engine: p50 {:?}, p99 {:?}",
        percentile(&inside, 0.5),
        percentile(&inside, 0.99)
    );
    println!(
        "  over HTTP on loopback: p50 {:?}, p99 {:?}",
        percentile(&over_http, 0.5),
        percentile(&over_http, 0.99)
    );
    println!("server resident memory: {rss:.0} MB");
    println!(
        "server start-up with that many interactions: {:.2} s",
        startup.as_secs_f64()
    );
}
