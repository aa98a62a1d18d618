//! Work that follows a response: bookkeeping a participant need not wait for.
//!
//! A use case [`defer`](AfterResponse::defer)s such work; the runtime layer
//! [`AfterResponseLayer`] runs it once the response has been handed to the Lambda
//! Runtime API and before the function asks for its next event, so it finishes
//! inside the invocation (Lambda freezes the process only after that next poll).
//! Anything deferred must be safe to lose if the process dies before it runs: the
//! registration's own state already says what a later run has to do.

use futures::future::BoxFuture;
use lambda_http::lambda_runtime::LambdaInvocation;
use lambda_http::tower::{BoxError, Layer, Service};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};

/// A queue of work to run after the current response.
#[derive(Clone, Default)]
pub struct AfterResponse {
    queue: Arc<Mutex<Vec<BoxFuture<'static, ()>>>>,
}

impl std::fmt::Debug for AfterResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AfterResponse")
            .field("pending", &self.pending())
            .finish()
    }
}

impl AfterResponse {
    /// Queue `work` to run after the response.
    pub fn defer(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.lock().push(Box::pin(work));
    }

    /// How many pieces of work wait.
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Run everything queued (concurrently), including work queued meanwhile.
    pub async fn run(&self) {
        loop {
            let batch = std::mem::take(&mut *self.lock());
            if batch.is_empty() {
                return;
            }
            futures::future::join_all(batch).await;
        }
    }

    /// The runtime layer that runs this queue after each response.
    pub fn layer(&self) -> AfterResponseLayer {
        AfterResponseLayer { work: self.clone() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<BoxFuture<'static, ()>>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Wraps the runtime's invocation service (which posts the response) so that the
/// deferred work runs after the response is posted and before the next poll.
#[derive(Clone, Debug)]
pub struct AfterResponseLayer {
    work: AfterResponse,
}

impl<S> Layer<S> for AfterResponseLayer {
    type Service = AfterResponseService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AfterResponseService {
            inner,
            work: self.work.clone(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct AfterResponseService<S> {
    inner: S,
    work: AfterResponse,
}

impl<S> Service<LambdaInvocation> for AfterResponseService<S>
where
    S: Service<LambdaInvocation, Response = (), Error = BoxError>,
{
    type Response = ();
    type Error = BoxError;
    type Future = AfterResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, invocation: LambdaInvocation) -> Self::Future {
        AfterResponseFuture {
            response: Box::pin(self.inner.call(invocation)),
            result: None,
            running: None,
            work: self.work.clone(),
        }
    }
}

/// The invocation (response posted), then the deferred work; resolves to the
/// invocation's result. Written out rather than boxed as an `async` block: the
/// runtime's inner future borrows the handler, so it is not `'static`.
pub struct AfterResponseFuture<F> {
    response: Pin<Box<F>>,
    result: Option<Result<(), BoxError>>,
    running: Option<BoxFuture<'static, ()>>,
    work: AfterResponse,
}

impl<F> Future for AfterResponseFuture<F>
where
    F: Future<Output = Result<(), BoxError>>,
{
    type Output = Result<(), BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.result.is_none() {
            this.result = Some(ready!(this.response.as_mut().poll(cx)));
            let work = this.work.clone();
            this.running = Some(Box::pin(async move { work.run().await }));
        }
        if let Some(running) = this.running.as_mut() {
            ready!(running.as_mut().poll(cx));
            this.running = None;
        }
        Poll::Ready(this.result.take().unwrap_or(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn deferred_work_runs_once_including_work_deferred_while_running() {
        let after = AfterResponse::default();
        let done = Arc::new(AtomicUsize::new(0));
        let (d1, d2, again) = (done.clone(), done.clone(), after.clone());
        after.defer(async move {
            d1.fetch_add(1, Ordering::SeqCst);
            again.defer(async move {
                d2.fetch_add(10, Ordering::SeqCst);
            });
        });
        assert_eq!(after.pending(), 1);
        after.run().await;
        assert_eq!(done.load(Ordering::SeqCst), 11);
        assert_eq!(after.pending(), 0);
        after.run().await;
        assert_eq!(done.load(Ordering::SeqCst), 11);
    }

    #[tokio::test]
    async fn the_service_answers_first_then_runs_the_work() {
        use std::sync::Mutex as StdMutex;
        let order = Arc::new(StdMutex::new(Vec::new()));
        let after = AfterResponse::default();
        let (o1, o2) = (order.clone(), order.clone());
        after.defer(async move {
            o1.lock().unwrap().push("deferred");
        });
        let inner = lambda_http::tower::service_fn(move |_invocation: LambdaInvocation| {
            let order = o2.clone();
            async move {
                order.lock().unwrap().push("response posted");
                Ok::<(), BoxError>(())
            }
        });
        let mut service = after.layer().layer(inner);
        let invocation = LambdaInvocation {
            parts: http_parts(),
            body: Default::default(),
            context: Default::default(),
        };
        service.call(invocation).await.unwrap();
        assert_eq!(*order.lock().unwrap(), ["response posted", "deferred"]);
        assert_eq!(after.pending(), 0);
    }

    fn http_parts() -> lambda_http::http::response::Parts {
        lambda_http::http::Response::new(()).into_parts().0
    }
}
