//! The backend binary's configuration as an operator meets it: `.env` in the working directory, the
//! environment winning over it, and a bad value stopping the start with the variable's name.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir_with_env(dotenv: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("backend-config-{}", logto_emulator::ids::standard_id(10)));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    TempDir(dir)
}

/// The backend started in `dir` with only `env` (and PATH) in its environment.
fn backend(dir: &TempDir, env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_backend"));
    command.current_dir(&dir.0).env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    command.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command
}

const M2M: &str = "LOGTO_M2M_APP_ID=app\nLOGTO_M2M_APP_SECRET=secret\n";

#[test]
fn a_bad_value_in_dot_env_stops_the_start_naming_the_variable() {
    let dir = dir_with_env(&format!("{M2M}CORS_ALLOWED_ORIGINS=localhost:8080\n"));
    let out = backend(&dir, &[]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("CORS_ALLOWED_ORIGINS"), "{stderr}");
    assert!(stderr.contains("write it with its scheme, e.g. http://localhost:8080"), "{stderr}");
}

#[test]
fn dot_env_configures_the_backend_and_the_environment_wins_over_it() {
    let dir = dir_with_env(&format!(
        "{M2M}CORS_ALLOWED_ORIGINS=localhost:8080\nBACKEND_BIND=127.0.0.1:0\nDATABASE_URL=sqlite://db.sqlite\n"
    ));
    // The environment's valid origin wins over the file's bad one; the rest comes from `.env`.
    let mut child =
        backend(&dir, &[("CORS_ALLOWED_ORIGINS", "http://localhost:8080"), ("RUST_LOG", "info")]).spawn().unwrap();
    let started = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let listening = loop {
        match lines.next() {
            Some(Ok(line)) if line.contains("backend listening on") => break Some(line),
            Some(Ok(_)) if started.elapsed() < Duration::from_secs(30) => continue,
            _ => break None,
        }
    };
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening.is_some(), "the backend did not start from .env");
    assert!(dir.0.join("db.sqlite").exists(), "DATABASE_URL came from .env");
}

#[test]
fn a_malformed_dot_env_is_an_error_not_a_silence() {
    let dir = dir_with_env("THIS LINE IS NOT A VARIABLE\n");
    let out = backend(&dir, &[("LOGTO_M2M_APP_ID", "a"), ("LOGTO_M2M_APP_SECRET", "s")]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(".env"), "{}", String::from_utf8_lossy(&out.stderr));
}
