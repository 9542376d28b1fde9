//! The service's own routes: health, readiness, metrics, shutdown.

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer_and_readiness_turns_false_on_shutdown() {
    let app = spawn_app().await;
    let health = app.http.get(format!("{}/healthz", app.url)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.http.get(format!("{}/readyz", app.url)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    app.state.shutdown.cancel();
    // The listener stops accepting; in-process state reports shutting down.
    let state = app.state.clone();
    let router = planbot::startup::router(state);
    use tower::ServiceExt;
    let response = router
        .oneshot(axum::http::Request::get("/readyz").body(axum::body::Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn metrics_are_served_in_prometheus_text_format() {
    let app = spawn_app().await;
    let response = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
}
