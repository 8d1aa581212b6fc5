//! Databases for tests of the store and the service: a SQLite temp file, or a database
//! of its own on a throwaway PostgreSQL server that `scripts/postgres.sh` starts once per
//! test binary and stops when the binary exits.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// One database for one case, and what to open it with.
pub struct Db {
    pub url: String,
    pub file: Option<PathBuf>,
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
    }
}

pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn sqlite_db() -> Db {
    let file = std::env::temp_dir().join(format!("{}.db", unique("threeds_store")));
    Db {
        url: format!("sqlite:{}", file.display()),
        file: Some(file),
    }
}

/// The PostgreSQL server of this test binary: started on first use, stopped by the
/// script's watcher once this process has exited.
pub fn postgres_server() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/postgres.sh");
        let dir = std::env::temp_dir().join(unique("threeds_store_pg"));
        let out = std::process::Command::new("bash")
            .arg(script)
            .arg("start")
            .arg(&dir)
            .arg("--while-pid")
            .arg(std::process::id().to_string())
            .output()
            .expect("runs scripts/postgres.sh");
        assert!(
            out.status.success(),
            "scripts/postgres.sh start failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
}

pub async fn postgres_db() -> Db {
    use sqlx::Connection;
    let server = postgres_server();
    let name = unique("t");
    let mut admin = sqlx::PgConnection::connect(server)
        .await
        .expect("connects to the test server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("creates the case's database");
    let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
    Db {
        url: format!("{base}/{name}"),
        file: None,
    }
}
