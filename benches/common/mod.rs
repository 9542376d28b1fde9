//! What the benchmarks share: a scratch database on the PostgreSQL server
//! the tests use (`DATABASE_URL`, else 127.0.0.1:5432), migrated, dropped
//! at the end.

use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};

pub struct BenchDb {
    pub pool: PgPool,
    server: PgConnectOptions,
    name: String,
}

impl BenchDb {
    pub async fn new(label: &str) -> BenchDb {
        let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let server: PgConnectOptions = url.parse().expect("DATABASE_URL is a PostgreSQL URL");
        let name = format!("planbot_bench_{label}_{}", std::process::id());
        let mut admin = PgConnection::connect_with(&server).await.expect("a PostgreSQL server for the benchmark");
        sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&mut admin).await.unwrap();
        sqlx::query(&format!("create database {name}")).execute(&mut admin).await.unwrap();
        admin.close().await.ok();
        let pool = PgPoolOptions::new().max_connections(4).connect_with(server.clone().database(&name)).await.unwrap();
        planbot::db::MIGRATOR.run(&pool).await.unwrap();
        BenchDb { pool, server, name }
    }

    pub async fn drop(self) {
        self.pool.close().await;
        let mut admin = PgConnection::connect_with(&self.server).await.unwrap();
        sqlx::query(&format!("drop database if exists {} with (force)", self.name)).execute(&mut admin).await.unwrap();
    }
}

/// Runs `work`, printing how long it took.
pub async fn timed<T>(what: &str, work: impl std::future::Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let out = work.await;
    let took = started.elapsed();
    println!("{what}: {:.2} s", took.as_secs_f64());
    (out, took)
}
