//! The cold-start baseline: a bare `lambda_http` function built with the same
//! release profile as the real ones.

use lambda_http::{Body, Error, Request, Response, run, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    run(service_fn(|_request: Request| async {
        Ok::<_, Error>(Response::new(Body::Text("hello".into())))
    }))
    .await
}
