//! Serving the open outboxes together, through the run's one pacer: round after
//! round, one page from each outbox that still has one, time-critical outboxes
//! first. However long one outbox's queue, the others' emails go out in the
//! same run, and a query that fails ends only its own outbox's share.

use super::SendLinksStore;
use super::run::SendLinksRun;
use crate::domain::key::RegistrationKey;
use crate::mail::Mailer;
use crate::platform::clock::Clock;
use crate::store::{Outbox, OutboxCursor, StoreError};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

/// How many keys one outbox query returns: one outbox's share of a round.
const PAGE_SIZE: i32 = 100;

/// One outbox's place in a run: where its next page starts, and whether it
/// has no more (served to its end, or its query failed).
struct Queue {
    outbox: Outbox,
    cursor: Option<OutboxCursor>,
    done: bool,
    /// Its first page listed nobody and had no next: it was empty.
    empty: bool,
}

/// What serving the outboxes came to: those whose query failed, with the
/// cause, and those found empty (nothing owed at the run's start).
pub(super) struct Served {
    pub(super) failures: Vec<(Outbox, StoreError)>,
    pub(super) empty: Vec<Outbox>,
}

/// The share of a run's sends under way that the confirmation outbox may hold:
/// a quarter. Its queue can be thousands deep (every email register could not
/// send), and each of its sends makes more store calls than a link's; with every
/// slot its own, its sends would crowd the store and SES so that the link sends
/// fed before them in the round wait behind them.
const CONFIRMATION_SHARE_DIVISOR: usize = 4;

/// The sends of a run: at most a bounded number under way, each a task, of
/// which the confirmation outbox holds at most its share.
struct Sends {
    slots: Arc<Semaphore>,
    confirmation_slots: Arc<Semaphore>,
    tasks: JoinSet<()>,
}

impl Sends {
    fn new(max_in_flight: usize) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(max_in_flight)),
            confirmation_slots: Arc::new(Semaphore::new(
                (max_in_flight / CONFIRMATION_SHARE_DIVISOR).max(1),
            )),
            tasks: JoinSet::new(),
        }
    }
}

impl<S, M, C> SendLinksRun<S, M, C>
where
    S: SendLinksStore,
    M: Mailer + 'static,
    C: Clock + 'static,
{
    /// Serve `outboxes` (in their order within each round) until each is
    /// empty, the time is up or SES is down. Returns the outboxes whose query
    /// failed, with the cause (the others were served all the same), and those
    /// found empty. The sends under way finish and are recorded before it
    /// returns.
    pub(super) async fn serve_outboxes(run: &Arc<Self>, outboxes: &[Outbox]) -> Served {
        let mut sends = Sends::new(run.send_links.max_in_flight());
        let mut queues: Vec<Queue> = outboxes
            .iter()
            .map(|&outbox| Queue {
                outbox,
                cursor: None,
                done: false,
                empty: false,
            })
            .collect();
        let mut failures = Vec::new();
        'rounds: while queues.iter().any(|queue| !queue.done) {
            for queue in queues.iter_mut().filter(|queue| !queue.done) {
                if !run.may_start() {
                    break 'rounds;
                }
                match run.next_page(queue).await {
                    Ok(keys) => {
                        if !Self::feed(run, keys, queue.outbox, &mut sends).await {
                            break 'rounds;
                        }
                    }
                    Err(err) => {
                        tracing::error!(error = %err, outbox = queue.outbox.as_str(), "could not list an outbox; the other outboxes are still served");
                        queue.done = true;
                        failures.push((queue.outbox, err));
                    }
                }
            }
        }
        while sends.tasks.join_next().await.is_some() {}
        let empty = queues.iter().filter(|q| q.empty).map(|q| q.outbox);
        Served {
            failures,
            empty: empty.collect(),
        }
    }

    /// Whether another page may be served: the run is neither out of time nor
    /// stopped by an SES outage.
    fn may_start(&self) -> bool {
        if Instant::now() >= self.last_start {
            self.counters.out_of_time.store(true, Ordering::Relaxed);
            return false;
        }
        !self.counters.stopping()
    }

    /// The keys of `queue`'s next page, moving it on.
    async fn next_page(&self, queue: &mut Queue) -> Result<Vec<RegistrationKey>, StoreError> {
        let send_links = &self.send_links;
        let first = queue.cursor.is_none();
        let page = send_links
            .store
            .due(
                &self.event.event_id,
                queue.outbox,
                queue.cursor.take(),
                PAGE_SIZE,
            )
            .await?;
        queue.done = page.next.is_none();
        queue.empty = first && queue.done && page.keys.is_empty();
        queue.cursor = page.next;
        Ok(page.keys)
    }

    /// Start serving each of `keys` as a slot for it frees; `false` when the
    /// run stopped meanwhile.
    async fn feed(
        run: &Arc<Self>,
        keys: Vec<RegistrationKey>,
        outbox: Outbox,
        sends: &mut Sends,
    ) -> bool {
        for key in keys {
            let share = match outbox {
                Outbox::Confirmation => Some(
                    Arc::clone(&sends.confirmation_slots)
                        .acquire_owned()
                        .await
                        .expect("the semaphore is never closed"),
                ),
                _ => None,
            };
            let slot = Arc::clone(&sends.slots)
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            if run.counters.stopping() {
                return false;
            }
            let run = Arc::clone(run);
            sends.tasks.spawn(async move {
                run.serve(&key, outbox).await;
                drop((slot, share));
            });
            // Collect finished tasks as we go so the set stays small.
            while sends.tasks.try_join_next().is_some() {}
        }
        true
    }
}
