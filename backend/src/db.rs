//! The backend's own database: follows and follower counts. SQLite by default (a file, WAL),
//! PostgreSQL when `DATABASE_URL` is a `postgres://` URL; each has its migrations, and every query
//! here is written in the SQL both accept (`$N` parameters, `ON CONFLICT DO NOTHING`).

use std::borrow::Cow;

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
pub use sqlx::AnyPool as Pool;

/// The demo follows, by user ids of the emulator's default seed.
const DEMO_FOLLOWS: &str = include_str!("../seed/demo-follows.json");

/// How long the database may keep the backend waiting.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// A request's wait for a connection: past it the request answers 500 `internal.database`
    /// instead of waiting for the request timeout (a stopped PostgreSQL is retried for this long).
    pub acquire: std::time::Duration,
    /// The start's wait for the database's first answer.
    pub connect: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { acquire: std::time::Duration::from_secs(2), connect: std::time::Duration::from_secs(10) }
    }
}

/// Opens (creating a SQLite file if needed) and migrates the database, with the default timeouts.
pub async fn connect(url: &str) -> Result<Pool, sqlx::Error> {
    connect_with(url, Timeouts::default()).await
}

/// [`connect`] with `timeouts`: the first connection is retried until `timeouts.connect` has passed
/// (the last error is returned then, `PoolTimedOut` when it was a wait), then the migrations run.
pub async fn connect_with(url: &str, timeouts: Timeouts) -> Result<Pool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
    let memory = url.contains(":memory:");
    let url = if !postgres && !memory && !url.contains("mode=") {
        // Create the SQLite file when it does not exist yet.
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_string()
    };
    // Each connection to `sqlite::memory:` is its own empty database: keep one, and never close it.
    let mut options =
        AnyPoolOptions::new().max_connections(if memory { 1 } else { 8 }).acquire_timeout(timeouts.acquire);
    if memory {
        options = options.idle_timeout(None).max_lifetime(None);
    }
    let pool = options.connect_lazy(&url)?;
    let deadline = tokio::time::Instant::now() + timeouts.connect;
    loop {
        match tokio::time::timeout_at(deadline, pool.acquire()).await {
            Ok(Ok(_connection)) => break,
            Ok(Err(e)) if tokio::time::Instant::now() + std::time::Duration::from_millis(200) < deadline => {
                tracing::debug!(error = %e, "the database does not answer yet");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(sqlx::Error::PoolTimedOut),
        }
    }
    if postgres {
        migrator(POSTGRES_MIGRATIONS).run(&pool).await?;
    } else {
        sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        migrator(SQLITE_MIGRATIONS).run(&pool).await?;
    }
    Ok(pool)
}

/// `(version, description, SQL)` of each migration, embedded in the binary, as `migrations/<db>/` has
/// them (`0001_follows.sql`).
type Migrations = &'static [(i64, &'static str, &'static str)];
const SQLITE_MIGRATIONS: Migrations = &[(1, "follows", include_str!("../migrations/sqlite/0001_follows.sql"))];
const POSTGRES_MIGRATIONS: Migrations = &[(1, "follows", include_str!("../migrations/postgres/0001_follows.sql"))];

/// What `sqlx::migrate!` would build from the same files (same versions, descriptions and SHA-384
/// checksums, so databases migrated by either agree), without its proc-macro crates to compile on a
/// fresh machine (issue 17).
fn migrator(migrations: Migrations) -> Migrator {
    let migrations = migrations
        .iter()
        .map(|&(version, description, sql)| {
            Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, Cow::Borrowed(sql), false)
        })
        .collect();
    Migrator { migrations: Cow::Owned(migrations), ..Migrator::DEFAULT }
}

#[derive(serde::Deserialize)]
struct DemoFollows {
    follows: Vec<(String, String)>,
}

/// Inserts the demo follows when the database has none. Returns how many were inserted.
pub async fn seed_demo_data(pool: &Pool) -> Result<usize, sqlx::Error> {
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM follows").fetch_one(pool).await?;
    if existing > 0 {
        return Ok(0);
    }
    let demo: DemoFollows = serde_json::from_str(DEMO_FOLLOWS).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    let mut tx = pool.begin().await?;
    for (follower, followee) in &demo.follows {
        sqlx::query("INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(follower)
            .bind(followee)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(demo.follows.len())
}

/// The `limit` users with the most followers, most first (ties by id, so the order is stable).
pub async fn top_users(pool: &Pool, limit: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT user_id, followers FROM follower_counts WHERE followers > 0 \
         ORDER BY followers DESC, user_id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}

/// The `limit` most-followed of `ids` (members nobody follows count 0), most first, ties by id.
pub async fn top_among(pool: &Pool, ids: &[String], limit: usize) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let mut counts: std::collections::HashMap<&str, i64> = ids.iter().map(|id| (id.as_str(), 0)).collect();
    // Bound parameters, in chunks that stay far below SQLite's and PostgreSQL's limits.
    for chunk in ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql =
            format!("SELECT user_id, followers FROM follower_counts WHERE user_id IN ({})", placeholders.join(", "));
        let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for (id, followers) in query.fetch_all(pool).await? {
            if let Some(count) = counts.get_mut(id.as_str()) {
                *count = followers;
            }
        }
    }
    let mut ranked: Vec<(String, i64)> = counts.into_iter().map(|(id, n)| (id.to_string(), n)).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(limit);
    Ok(ranked)
}

/// Removes a deleted user's follows, both ways, in one transaction (the triggers fix the counts), and
/// their count row. Idempotent. Returns how many follows went.
pub async fn forget_user(pool: &Pool, user: &str) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query("DELETE FROM follows WHERE follower_id = $1 OR followee_id = $1")
        .bind(user)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("DELETE FROM follower_counts WHERE user_id = $1").bind(user).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(removed)
}

/// Records that `follower` follows `followee`. `false` when it already did (idempotent).
pub async fn follow(pool: &Pool, follower: &str, followee: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("INSERT INTO follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
        .bind(follower)
        .bind(followee)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes the follow, if any. `false` when there was none.
pub async fn unfollow(pool: &Pool, follower: &str, followee: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
        .bind(follower)
        .bind(followee)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A user's follower count (0 when nobody follows them).
pub async fn followers(pool: &Pool, user: &str) -> Result<i64, sqlx::Error> {
    let count: Option<i64> = sqlx::query_scalar("SELECT followers FROM follower_counts WHERE user_id = $1")
        .bind(user)
        .fetch_optional(pool)
        .await?;
    Ok(count.unwrap_or(0))
}

/// Which of `ids` `follower` follows (in no particular order).
pub async fn following_among(pool: &Pool, follower: &str, ids: &[String]) -> Result<Vec<String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    // `$n` placeholders work in both SQLite and PostgreSQL; the ids are bound, never spliced.
    let placeholders: Vec<String> = (2..ids.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT followee_id FROM follows WHERE follower_id = $1 AND followee_id IN ({})",
        placeholders.join(", ")
    );
    let mut query = sqlx::query_scalar(&sql).bind(follower);
    for id in ids {
        query = query.bind(id);
    }
    query.fetch_all(pool).await
}

/// Whether the database answers.
pub async fn ping(pool: &Pool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_follow_inserts_and_deletes() {
        let pool = connect("sqlite::memory:").await.unwrap();
        for (a, b) in [("u1", "u2"), ("u3", "u2"), ("u1", "u3")] {
            follow(&pool, a, b).await.unwrap();
        }
        assert_eq!(top_users(&pool, 10).await.unwrap(), vec![("u2".into(), 2), ("u3".into(), 1)]);
        sqlx::query("DELETE FROM follows WHERE follower_id = 'u3'").execute(&pool).await.unwrap();
        assert_eq!(top_users(&pool, 10).await.unwrap(), vec![("u2".into(), 1), ("u3".into(), 1)]);
        let self_follow =
            sqlx::query("INSERT INTO follows (follower_id, followee_id) VALUES ('u1', 'u1')").execute(&pool).await;
        assert!(self_follow.is_err(), "a self-follow must be refused");
    }

    #[tokio::test]
    async fn demo_seed_gives_ten_distinct_counts_and_is_idempotent() {
        let pool = connect("sqlite::memory:").await.unwrap();
        assert!(seed_demo_data(&pool).await.unwrap() > 0);
        assert_eq!(seed_demo_data(&pool).await.unwrap(), 0);
        let top = top_users(&pool, 10).await.unwrap();
        assert_eq!(top.len(), 10);
        assert!(top.windows(2).all(|w| w[0].1 > w[1].1), "{top:?}");
    }

    /// Issue 22, item 6: a database that does not answer stops the start within the connect timeout,
    /// instead of sqlx's 30 s.
    #[tokio::test]
    async fn an_unreachable_database_gives_up_within_the_connect_timeout() {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let timeouts =
            Timeouts { acquire: std::time::Duration::from_millis(300), connect: std::time::Duration::from_millis(600) };
        let url = format!("postgres://app:pw@{closed}/app");
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), connect_with(&url, timeouts)).await;
        // Not a timed test: the outer 10 s only turns a hang (sqlx's own 30 s) into a failure.
        assert!(matches!(outcome, Ok(Err(_))), "gave up by itself: {:?}", outcome.map(|r| r.map(|_| ())));
    }

    #[test]
    fn the_embedded_migrations_are_every_file_of_migrations_in_order() {
        for (dir, embedded) in [("sqlite", SQLITE_MIGRATIONS), ("postgres", POSTGRES_MIGRATIONS)] {
            let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
            let mut files: Vec<String> =
                std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
            files.sort();
            let named: Vec<String> = embedded.iter().map(|(v, d, _)| format!("{v:04}_{d}.sql")).collect();
            assert_eq!(files, named, "{path}: add the new file to the list in db.rs");
            for (file, (_, _, sql)) in files.iter().zip(embedded.iter()) {
                assert_eq!(&std::fs::read_to_string(format!("{path}/{file}")).unwrap(), sql);
            }
            let migrator = migrator(embedded);
            assert!(migrator.migrations.iter().all(|m| m.checksum.len() == 48), "SHA-384, as sqlx::migrate! computes");
        }
    }
}
