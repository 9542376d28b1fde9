//! The Slack app manifest in `manifest/` is one Slack accepts, and declares
//! everything planbot's handlers answer.

use serde_json::Value;

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The domain-name pattern of Slack's schema uses a lookahead, which the
/// validator's regex engine lacks; this is the same language without it
/// (at least two characters, the first and last alphanumeric).
const DOMAIN_PATTERN: &str = r"^(?![\.\-])([-a-z0-9\.])+([a-z0-9])$";
const DOMAIN_PATTERN_WITHOUT_LOOKAHEAD: &str = r"^[a-z0-9][-a-z0-9\.]*[a-z0-9]$";

fn versioned_schema(path: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let pattern = serde_json::to_string(DOMAIN_PATTERN).unwrap();
    let replacement = serde_json::to_string(DOMAIN_PATTERN_WITHOUT_LOOKAHEAD).unwrap();
    serde_json::from_str(&text.replace(&pattern, &replacement)).unwrap()
}

/// Validates `manifest` against Slack's published manifest JSON Schema
/// (draft-07; the top-level schema refers to the versioned ones by URL,
/// which are served here from the local copies).
fn schema_errors(manifest: &Value) -> Option<String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let dir = "tests/fixtures/slack-manifest-schema";
    for version in ["1.0.0", "2.0.0"] {
        let url = format!("https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.{version}.json");
        compiler.add_resource(&url, versioned_schema(&format!("{dir}/manifest.schema.{version}.json"))).unwrap();
    }
    compiler.add_resource("urn:slack:manifest", fixture(&format!("{dir}/manifest.schema.json"))).unwrap();
    let index = compiler.compile("urn:slack:manifest", &mut schemas).expect("Slack's schema compiles");
    schemas.validate(manifest, index).err().map(|e| format!("{e:#}"))
}

#[test]
fn both_manifests_are_valid_slack_app_manifests() {
    for path in ["manifest/manifest.json", "manifest/manifest.socket-mode.json"] {
        let manifest = fixture(path);
        assert_eq!(schema_errors(&manifest), None, "{path}");
    }
}

#[test]
fn the_schema_check_refuses_a_broken_manifest() {
    let mut manifest = fixture("manifest/manifest.json");
    manifest["features"]["slash_commands"][0]["command"] = Value::String("plan".into());
    manifest["settings"]["interactivity"]["is_enabled"] = Value::String("yes".into());
    assert!(schema_errors(&manifest).is_some());
}

#[test]
fn the_manifest_declares_what_planbot_handles() {
    let http = fixture("manifest/manifest.json");
    let command = &http["features"]["slash_commands"][0];
    assert_eq!(command["command"], "/plan");
    // Mentions arrive escaped (<@U…>) only when Slack is told to escape them.
    assert_eq!(command["should_escape"], true);
    assert!(command["url"].as_str().unwrap().ends_with("/slack/commands"));
    let events: Vec<&str> =
        http["settings"]["event_subscriptions"]["bot_events"].as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
    for event in ["message.im", "app_mention", "app_home_opened"] {
        assert!(events.contains(&event), "{event}");
    }
    assert!(http["settings"]["event_subscriptions"]["request_url"].as_str().unwrap().ends_with("/slack/events"));
    assert!(http["settings"]["interactivity"]["request_url"].as_str().unwrap().ends_with("/slack/interactions"));
    assert_eq!(http["features"]["app_home"]["home_tab_enabled"], true);
    assert_eq!(http["features"]["app_home"]["messages_tab_enabled"], true);
    let scopes: Vec<&str> =
        http["oauth_config"]["scopes"]["bot"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    for scope in ["chat:write", "commands", "im:history", "app_mentions:read", "users:read", "users:read.email", "files:write", "channels:history"] {
        assert!(scopes.contains(&scope), "{scope}");
    }
    let socket = fixture("manifest/manifest.socket-mode.json");
    assert_eq!(socket["settings"]["socket_mode_enabled"], true);
    assert_eq!(socket["settings"]["event_subscriptions"]["bot_events"], http["settings"]["event_subscriptions"]["bot_events"]);
}
