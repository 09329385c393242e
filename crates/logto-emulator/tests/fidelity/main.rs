//! The fidelity suite: every recorded exchange with real Logto 1.42 (`samples/`, copied from
//! `shared/logto-samples/`) that the emulator covers is replayed against the emulator, in order, and
//! the answers are compared: status, the headers that matter, JSON field names and types, values
//! (after mapping recorded ids and tokens to the emulator's), error codes, and JWT header and claim
//! names. It prints a table and fails on any difference not listed in `DELIBERATE`.

mod behaviours;
mod compare;
mod curl;
mod recorded;

use std::collections::HashMap;
use std::path::Path;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use compare::{compare_headers, compare_json, is_jwt, Mapping};
use logto_emulator::Seed;
use p384::ecdsa::signature::Verifier;
use serde_json::Value;

/// Exchanges the emulator does not replay, and why.
const NOT_COVERED: &[(&str, &str)] = &[
    ("40b", "Experience API (Logto's sign-in UI backend): the emulator has its own sign-in page"),
    ("40c", "Experience API"),
    ("40d", "Experience API"),
    ("40e", "Experience API"),
    ("40f", "interaction resume to Logto's consent page (the emulator auto-consents)"),
    ("40g", "Experience API consent"),
    ("50b", "Experience API"),
    ("50c", "Experience API"),
    ("50d", "Experience API"),
    ("50e", "Experience API"),
    ("50f", "interaction resume to Logto's consent page"),
    ("50g", "Experience API consent"),
    ("88a", "refreshes alice3's session, which was created in steps 60-78 that were not recorded"),
];

/// Differences on purpose: (sample, start of the difference, reason).
const DELIBERATE: &[(&str, &str, &str)] = &[
    ("40a", "location:", "the emulator sends the browser to its own sign-in page (/sign-in?interaction=…), Logto to its Experience UI (/sign-in?app_id=…)"),
    ("50a", "location:", "as 40a"),
    ("23", "body[1].applicationId:", "in the recording alice signed in to the Traditional app in unrecorded steps between 17 and 23"),
    ("23", "body[1].lastSignInAt:", "as above"),
    ("82", "body.applicationId:", "in the recording alice first signed in to the Traditional app in unrecorded steps; here she signed in to the SPA first"),
    ("83", "body[1].applicationId:", "as 82 (alice)"),
    ("85b", "body[3].applicationId:", "as 82 (alice)"),
];

/// Replaced with the emulator's own sign-in page: (sample, username).
const SIGN_IN_EQUIVALENT: &[(&str, &str)] = &[("40h", "alice"), ("50h", "bob")];

fn sample_id(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

struct Row {
    name: String,
    verdict: &'static str,
    note: String,
}

/// The recorded tenant's signing key, to tell genuine recorded tokens from the samples' tampered ones.
fn recorded_key(dir: &Path) -> p384::ecdsa::VerifyingKey {
    let jwks: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("jwks.json")).unwrap()).unwrap();
    let coord = |c: &str| URL_SAFE_NO_PAD.decode(jwks["keys"][0][c].as_str().unwrap()).unwrap();
    let mut sec1 = vec![4u8];
    sec1.extend(coord("x"));
    sec1.extend(coord("y"));
    p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).unwrap()
}

/// Re-signs genuine recorded JWTs found in `text` with the emulator's key (ids mapped, times fresh),
/// so that a request carries the token the emulator would have issued. Tampered tokens stay as they are.
fn resign_tokens(
    text: &str,
    map: &mut Mapping,
    recorded: &p384::ecdsa::VerifyingKey,
    emu: &logto_emulator::RunningEmulator,
) -> String {
    let mut out = text.to_string();
    for word in text.split([' ', '&', '=']) {
        if !is_jwt(word) || map.values.contains_key(word) {
            continue;
        }
        let Some((input, sig_b64)) = word.rsplit_once('.') else { continue };
        let mut parts = input.split('.');
        let Some(Ok(header)) = parts.next().map(|h| URL_SAFE_NO_PAD.decode(h).map_err(|_| ())) else { continue };
        let Ok(header) = serde_json::from_slice::<Value>(&header) else { continue };
        let payload_b64 = parts.next().unwrap_or("");
        let genuine = URL_SAFE_NO_PAD
            .decode(sig_b64)
            .ok()
            .and_then(|s| p384::ecdsa::Signature::from_slice(&s).ok())
            .is_some_and(|sig| recorded.verify(input.as_bytes(), &sig).is_ok());
        if !genuine {
            // A tampered token of this tenant: point its kid at the emulator's key, keep the rest, so
            // the emulator judges the same forgery.
            let mut header = header;
            if header["kid"].is_string() {
                header["kid"] = emu.state.signing_key().kid().into();
                let forged = format!("{}.{payload_b64}.{sig_b64}", URL_SAFE_NO_PAD.encode(header.to_string()));
                map.values.insert(word.to_string(), forged.clone());
                out = out.replace(word, &forged);
            }
            continue;
        }
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload_b64).unwrap()).unwrap();
        let mut claims: Value = serde_json::from_str(&map.substitute(&claims.to_string())).unwrap();
        let now = emu.state.clock.now_secs();
        let ttl = claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0);
        claims["iat"] = now.into();
        claims["exp"] = (now + ttl).into();
        let token = emu.state.signing_key().sign(header["typ"].as_str(), &claims);
        map.values.insert(word.to_string(), token.clone());
        out = out.replace(word, &token);
    }
    out
}

async fn send(http: &reqwest::Client, base: &str, req: &curl::Request) -> recorded::Response {
    let url = req.url.replacen("http://localhost:3001", base, 1);
    let mut r = http.request(req.method.parse().unwrap(), url);
    let mut headers = req.headers.clone();
    curl::basic_auth(&mut headers);
    for (k, v) in &headers {
        r = r.header(k, v);
    }
    if let Some(body) = &req.body {
        r = r.body(body.clone());
    }
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let headers =
        response.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
    recorded::Response { status, headers, body: response.text().await.unwrap_or_default() }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_answers_as_recorded_logto_does() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/samples");
    let seed = Seed::parse("tests/fidelity/seed.json", include_str!("seed.json")).unwrap();
    let emu = logto_emulator::spawn_at(&seed, Some("http://localhost:3001")).await.unwrap();
    let base = format!("http://{}", emu.addr);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let recorded_key = recorded_key(&dir);

    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".cmd.txt").map(String::from))
        .collect();
    names.sort();
    let mut map = Mapping::default();
    let mut passwords: HashMap<String, String> = HashMap::new();
    let mut last_location: Option<String> = None;
    let mut rows = Vec::new();

    for name in names {
        let id = sample_id(&name);
        if let Some((_, why)) = NOT_COVERED.iter().find(|(s, _)| *s == id) {
            rows.push(Row { name, verdict: "not covered", note: why.to_string() });
            continue;
        }
        let request = curl::parse(&std::fs::read_to_string(dir.join(format!("{name}.cmd.txt"))).unwrap());
        let expected = recorded::parse(&std::fs::read_to_string(dir.join(format!("{name}.exchange.txt"))).unwrap());
        if request.method == "POST" && request.url.ends_with("/api/users") {
            let body: Value = serde_json::from_str(request.body.as_deref().unwrap_or("{}")).unwrap_or_default();
            if let (Some(u), Some(p)) = (body["username"].as_str(), body["password"].as_str()) {
                passwords.insert(u.to_string(), p.to_string());
            }
        }
        if id == "47" {
            // "reuse old after 4s": the recording waited 4.5 s; the emulator's clock moves instead.
            emu.state.clock.advance_ms(4_500);
        }
        let actual = match SIGN_IN_EQUIVALENT.iter().find(|(s, _)| *s == id) {
            Some((_, user)) => {
                // The browser submits the emulator's sign-in page for the interaction 40a/50a opened.
                let location = last_location.clone().unwrap_or_default();
                let interaction = location.split("interaction=").nth(1).unwrap_or("").to_string();
                let form = [
                    ("interaction", interaction.as_str()),
                    ("username", user),
                    ("password", passwords[*user].as_str()),
                ];
                let r = http.post(format!("{base}/sign-in")).form(&form).send().await.unwrap();
                let headers =
                    r.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string())).collect();
                recorded::Response { status: r.status().as_u16(), headers, body: String::new() }
            }
            None => {
                let mut req = request.clone();
                req.url = map.substitute(&req.url);
                req.headers = req
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), resign_tokens(&map.substitute(v), &mut map, &recorded_key, &emu)))
                    .collect();
                req.body = req.body.as_ref().map(|b| resign_tokens(&map.substitute(b), &mut map, &recorded_key, &emu));
                send(&http, &base, &req).await
            }
        };
        last_location = actual.header("location").map(String::from);

        // Learn the correspondences this answer reveals, then compare.
        let rec_json: Option<Value> = serde_json::from_str(&expected.body).ok();
        let emu_json: Option<Value> = serde_json::from_str(&actual.body).ok();
        if let (Some(r), Some(e)) = (&rec_json, &emu_json) {
            map.learn_json(r, e);
        }
        if let (Some(r), Some(e)) = (expected.header("location"), actual.header("location")) {
            map.learn_location(r, e);
        }
        map.learn_html(&expected.body, &actual.body);

        let mut diffs = Vec::new();
        if expected.status != actual.status {
            diffs.push(format!("status: {} ≠ {}", expected.status, actual.status));
        }
        compare_headers(&expected, &actual, &map, &mut diffs);
        match (&rec_json, &emu_json) {
            (Some(r), Some(e)) => compare_json("body", r, e, &map, &mut diffs),
            (Some(_), None) => diffs.push("body: JSON ≠ not JSON".into()),
            (None, _)
                if expected.header("content-type").is_some_and(|c| c.starts_with("text/plain"))
                    && map.substitute(&expected.body) != actual.body =>
            {
                diffs.push(format!("body: {:?} ≠ {:?}", expected.body, actual.body));
            }
            _ => {}
        }
        let (deliberate, unexplained): (Vec<String>, Vec<String>) =
            diffs.into_iter().partition(|d| DELIBERATE.iter().any(|(s, prefix, _)| *s == id && d.starts_with(prefix)));
        let (verdict, note) = match (unexplained.is_empty(), deliberate.is_empty()) {
            (false, _) => ("DIFFERENT", unexplained.join("; ")),
            (true, false) => (
                "deliberate",
                DELIBERATE.iter().find(|(s, _, _)| *s == id).map(|d| d.2.to_string()).unwrap_or_default(),
            ),
            (true, true) => ("same", String::new()),
        };
        rows.push(Row { name, verdict, note });
    }

    let count = |v: &str| rows.iter().filter(|r| r.verdict == v).count();
    let mut table = format!("{:<52} {:<12} {}\n", "recorded exchange", "verdict", "note");
    for r in &rows {
        table.push_str(&format!("{:<52} {:<12} {}\n", r.name, r.verdict, r.note));
    }
    let covered = rows.len() - count("not covered");
    table.push_str(&format!(
        "\nfidelity: {} recorded, {covered} covered: {} same, {} deliberate, {} different; {} not covered\n",
        rows.len(),
        count("same"),
        count("deliberate"),
        count("DIFFERENT"),
        count("not covered")
    ));
    // Behaviours no recording shows (real Logto's answers, as the issue that asked for them states).
    let behaviours = behaviours::run().await;
    table.push_str(&format!("\n{:<52} {:<12} {}\n", "behaviour (no recording)", "verdict", "source / difference"));
    for b in &behaviours {
        let (verdict, note) = match &b.outcome {
            Ok(()) => ("same", b.source.to_string()),
            Err(diff) => ("DIFFERENT", diff.clone()),
        };
        table.push_str(&format!("{:<52} {:<12} {}\n", b.name, verdict, note));
    }
    let different_behaviours = behaviours.iter().filter(|b| b.outcome.is_err()).count();
    table.push_str(&format!(
        "behaviours: {} checked, {} same, {different_behaviours} different\n",
        behaviours.len(),
        behaviours.len() - different_behaviours
    ));
    println!("{table}");
    let _ = std::fs::write(Path::new(env!("CARGO_TARGET_TMPDIR")).join("fidelity-table.txt"), &table);
    assert_eq!(count("DIFFERENT") + different_behaviours, 0, "unexplained differences from real Logto:\n{table}");
}
