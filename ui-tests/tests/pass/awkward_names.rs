//! Names that could clash with generated code: raw identifiers, handlers named like runtime
//! items (`handle`, `pre_start`, `name`, `new`, `try_send`), an argument named `ctx` that is not
//! the context, `reply` in a tell, arguments named like the generated locals (which are
//! hygienic), and handlers and arguments named like the `Message` methods a pool calls.

#![deny(warnings)]
use rakt::prelude::*;

#[actor]
#[derive(Default)]
pub struct Names {
    log: Vec<String>,
}

#[actor]
impl Names {
    pub fn r#type(&mut self, r#match: u32) -> u32 {
        r#match
    }
    pub fn handle(&mut self, __rakt_msg: u32) -> u32 {
        __rakt_msg + 1
    }
    pub fn pre_start(&mut self, ctx: u32) {
        self.log.push(format!("pre_start {ctx}"));
    }
    pub fn name(&self) -> String {
        "names".into()
    }
    pub fn new(&mut self, reply: u32) {
        self.log.push(format!("new {reply}"));
    }
    pub fn try_send(&self) -> usize {
        self.log.len()
    }
    pub fn with_ctx(&mut self, __rakt_ctx: u32, ctx: &mut Ctx<Self>) -> u32 {
        let _ = ctx;
        __rakt_ctx
    }
    pub fn with_reply(&mut self, __rakt_reply: u32) -> u32 {
        __rakt_reply
    }
    #[route(key = __rakt_key)]
    pub fn with_routing_locals(
        &mut self,
        __rakt_arg0: u32,
        __rakt_copy0: u32,
        __rakt_key: u32,
        __rakt_arg1: ReplySlot<u32>,
    ) {
        __rakt_arg1.send(__rakt_arg0 + __rakt_copy0 + __rakt_key);
    }
    #[route(broadcast)]
    pub fn is_broadcast(&mut self, duplicate: u32, route_key: String) {
        self.log.push(format!("is_broadcast {duplicate} {route_key}"));
    }
    pub fn log(&self) -> Vec<String> {
        self.log.clone()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let system = ActorSystem::builder("probe").build().await?;
    let n: NamesRef = system.spawn("n", Names::default()).await?;
    assert_eq!(n.r#type(4).await?, 4);
    assert_eq!(n.handle(4).await?, 5);
    n.pre_start(1).await?;
    assert_eq!(n.name().await?, "names");
    n.new(7).await?;
    assert_eq!(n.try_send().await?, 2);
    assert_eq!(n.with_ctx(9).await?, 9);
    assert_eq!(n.with_reply(8).await?, 8);
    assert_eq!(n.with_routing_locals(1, 2, 3).await?, 6);
    n.is_broadcast(1, "x".into()).await?;
    assert_eq!(
        n.log().await?,
        vec!["pre_start 1".to_string(), "new 7".into(), "is_broadcast 1 x".into()]
    );
    system.shutdown().await;
    Ok(())
}
