//! Behaviour tests of the runtime core, driven through `#[actor]`-generated handles.

mod actors;
mod behaviour;
mod delivery;
mod events;
mod lifecycle;
mod messaging;
mod passivation;
mod pools;
mod schedule;
mod supervision;
mod system;
mod topics;
mod watch;
