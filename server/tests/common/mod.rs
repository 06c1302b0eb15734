//! Starts the real server on a random port against a fresh database.

#![allow(dead_code)]

use doorstep::config::Config;
use std::path::PathBuf;

pub struct TestApp {
    pub base: String,
    pub database_url: String,
    /// (server URL, database name) of a PostgreSQL database to drop afterwards.
    postgres: Option<(String, String)>,
    /// Keeps the SQLite file (and site folder) alive for the test.
    _dir: tempfile::TempDir,
}

#[derive(Clone, Copy, Debug)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub fn catalogue_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalogue")
}

/// A fresh, empty PostgreSQL database for one test, made beside the one
/// `DOORSTEP_TEST_POSTGRES_URL` names. `None` when that is unset.
async fn fresh_postgres() -> Option<(String, String, String)> {
    let url = std::env::var("DOORSTEP_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to DOORSTEP_TEST_POSTGRES_URL");
    let name = format!("doorstep_test_{}", uuid_like());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let base = url
        .rsplit_once('/')
        .map(|(b, _)| b.to_owned())
        .unwrap_or(url.clone());
    Some((format!("{base}/{name}"), url, name))
}

fn uuid_like() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

impl TestApp {
    /// `None` for PostgreSQL when no test database is configured.
    pub async fn spawn(db: Db) -> Option<TestApp> {
        Self::spawn_with(db, |_| {}).await
    }

    pub async fn spawn_with(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut postgres = None;
        let database_url = match db {
            Db::Sqlite => format!("sqlite://{}", dir.path().join("doorstep.db").display()),
            Db::Postgres => match fresh_postgres().await {
                Some((u, admin, name)) => {
                    postgres = Some((admin, name));
                    u
                }
                None => {
                    eprintln!(
                        "SKIPPED: PostgreSQL test (set DOORSTEP_TEST_POSTGRES_URL to run it)"
                    );
                    return None;
                }
            },
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config {
            database_url: database_url.clone(),
            site_addr: addr,
            site_root: dir.path().join("site").display().to_string(),
            catalogue_dir: catalogue_dir(),
            secure_cookies: false,
            resume_attempts: 1000,
            retention_months: 24,
        };
        tweak(&mut config);
        let app = doorstep::build(config).await.expect("server starts");
        tokio::spawn(doorstep::serve(listener, app));
        Some(TestApp {
            base: format!("http://{addr}"),
            database_url,
            postgres,
            _dir: dir,
        })
    }

    /// A partner API key, created as `doorstep api-key create` would.
    pub async fn api_key(&self, name: &str) -> String {
        let store = doorstep::storage::open(&self.database_url)
            .await
            .expect("open store");
        let key = doorstep::api::new_key();
        assert!(store
            .create_api_key(
                name,
                &doorstep::api::key_hash(&key),
                time::OffsetDateTime::now_utc()
            )
            .await
            .unwrap());
        key
    }

    pub async fn revoke(&self, name: &str) {
        let store = doorstep::storage::open(&self.database_url)
            .await
            .expect("open store");
        assert!(store
            .revoke_api_key(name, time::OffsetDateTime::now_utc())
            .await
            .unwrap());
    }

    /// A staff account, created as `doorstep staff add` would; returns
    /// its password.
    pub async fn staff(&self, email: &str, role: app::domain::staff::Role) -> String {
        let (_, staff) = doorstep::storage::open_both(&self.database_url)
            .await
            .expect("open store");
        let password = format!("correct horse {}", uuid_like());
        let name = email.split('@').next().unwrap_or(email).replace('.', " ");
        doorstep::staff::admin::add_staff(staff.as_ref(), email, &name, role, password.clone())
            .await
            .expect("store")
            .expect("valid account");
        password
    }

    /// A browser-like client signed in as `email`.
    pub async fn signed_in(&self, email: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let r = post(
            &c,
            &self.url("/staff/login"),
            &[("email", email), ("password", password), ("next", "/staff")],
        )
        .await;
        assert_eq!(r.status(), 303, "sign-in as {email}");
        assert_eq!(r.headers()["location"], "/staff");
        c
    }

    /// Runs one SQL statement against the test database directly (to age
    /// a session, say); returns the rows affected.
    pub async fn execute(&self, statement: &str) -> Result<u64, sqlx::Error> {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&self.database_url).await?;
            Ok(sqlx::query(statement)
                .execute(&mut c)
                .await?
                .rows_affected())
        } else {
            let mut c = sqlx::SqliteConnection::connect(&self.database_url).await?;
            Ok(sqlx::query(statement)
                .execute(&mut c)
                .await?
                .rows_affected())
        }
    }

    /// The single integer a query answers (a count, say).
    pub async fn scalar(&self, query: &str) -> i64 {
        self.one(query).await
    }

    /// The single text value a query answers.
    pub async fn scalar_text(&self, query: &str) -> String {
        self.one(query).await
    }

    async fn one<T>(&self, query: &str) -> T
    where
        T: Send + Unpin,
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        use sqlx::Connection;
        if self.database_url.starts_with("postgres") {
            let mut c = sqlx::PgConnection::connect(&self.database_url)
                .await
                .expect("connect");
            sqlx::query_scalar(query)
                .fetch_one(&mut c)
                .await
                .expect(query)
        } else {
            let mut c = sqlx::SqliteConnection::connect(&self.database_url)
                .await
                .expect("connect");
            sqlx::query_scalar(query)
                .fetch_one(&mut c)
                .await
                .expect(query)
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A browser-like client: keeps cookies, does not follow redirects, and
    /// sends `Origin` as browsers do on form posts.
    pub fn client(&self) -> reqwest::Client {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::ORIGIN, self.base.parse().expect("origin"));
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("client")
    }
}

impl Drop for TestApp {
    /// Drops the test's PostgreSQL database, so repeated runs leave nothing.
    fn drop(&mut self) {
        let Some((admin, name)) = self.postgres.take() else {
            return;
        };
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Runs one async test body against SQLite and, when configured, PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::common::TestApp::spawn($crate::common::Db::Sqlite)
                    .await
                    .expect("sqlite app");
                super::$name(app).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(app) =
                    $crate::common::TestApp::spawn($crate::common::Db::Postgres).await
                {
                    super::$name(app).await;
                }
            }
        }
    };
}

/// Posts a urlencoded form.
pub async fn post(client: &reqwest::Client, url: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(url).form(form).send().await.expect("post")
}

pub async fn get_text(client: &reqwest::Client, url: &str) -> (u16, String) {
    let r = client.get(url).send().await.expect("get");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// The text of the element with `id`, from server-rendered HTML.
pub fn text_of(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open_end = rest.find('>')? + 1;
    let close = rest[open_end..].find('<')?;
    Some(rest[open_end..open_end + close].to_owned())
}
