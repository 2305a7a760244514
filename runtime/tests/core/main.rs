//! Behaviour tests of the runtime core, driven through `#[actor]`-generated handles.

mod actors;
mod lifecycle;
mod messaging;
mod system;
