//! Async handlers and the context: `ctx: &mut Ctx<Self>` at any position, in sync and async
//! handlers, used to reach the actor's own handle, spawn a child and stop the actor.


use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Worker {
    done: Vec<String>,
    helper: Option<EchoRef>,
}

#[actor]
impl Worker {
    /// Async, context last.
    pub async fn work(&mut self, job: String, delay_ms: u64, ctx: &mut Ctx<Self>) -> usize {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        self.done.push(format!("{job}@{}", ctx.path().name()));
        self.done.len()
    }

    /// Async, context first; spawns a child and asks it.
    pub async fn delegate(&mut self, ctx: &mut Ctx<Self>, text: String) -> String {
        if self.helper.is_none() {
            let echo = ctx.spawn("echo", Echo).await.expect("spawn the child");
            self.helper = Some(echo);
        }
        let echo = self.helper.as_ref().expect("just spawned");
        echo.echo(text).await.expect("the child answers")
    }

    /// Sync, context in the middle: the actor's own handle.
    pub fn whoami(&self, prefix: String, ctx: &mut Ctx<Self>, suffix: String) -> String {
        let me: WorkerRef = ctx.myself();
        format!("{prefix}{}{suffix}", me.path().name())
    }

    pub async fn done(&self) -> Vec<String> {
        self.done.clone()
    }

    /// A tell that stops the actor.
    pub fn quit(&mut self, ctx: &mut Ctx<Self>) {
        ctx.stop();
    }
}

#[actor]
pub struct Echo;

#[actor]
impl Echo {
    pub async fn echo(&self, text: String) -> String {
        tokio::task::yield_now().await;
        format!("echo: {text}")
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("async").build().await?;
    let worker: WorkerRef = system.spawn("worker", Worker::default()).await?;

    // Messages are handled one at a time, in order, even when handlers await.
    let (a, b) = tokio::join!(worker.work("a".into(), 30), worker.work("b".into(), 0));
    assert_eq!((a?, b?), (1, 2));
    assert_eq!(worker.done().await?, ["a@worker", "b@worker"]);

    assert_eq!(worker.delegate("hi".into()).await?, "echo: hi");
    assert_eq!(worker.delegate("again".into()).await?, "echo: again");
    assert_eq!(worker.whoami("<".into(), ">".into()).await?, "<worker>");

    worker.quit().await?;
    worker.clone().stop().await;
    assert!(!worker.is_alive());

    system.shutdown().await;
    Ok(())
}
