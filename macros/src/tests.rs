//! Snapshots of what `#[actor]` emits, formatted with prettyplease. A snapshot change is an API
//! change: review it like code.

use proc_macro2::TokenStream;
use quote::quote;

use crate::expand::expand;

/// Expands `#[actor(attr)]` on each item and formats the result as one file.
fn expand_all(cases: &[(TokenStream, TokenStream)]) -> String {
    prettyplease::unparse(&expand_file(cases))
}

/// Expands `#[actor(attr)]` on each item, as one file.
fn expand_file(cases: &[(TokenStream, TokenStream)]) -> syn::File {
    let tokens: TokenStream = cases
        .iter()
        .map(|(attr, item)| expand(attr.clone(), item.clone()))
        .collect();
    syn::parse2::<syn::File>(tokens).expect("the expansion parses as a file")
}

/// Replaces the bytes of `RemoteActor::FILE_DESCRIPTOR_SET` with their length: they encode the
/// schema the snapshot shows as `PROTO`, which rakt-codegen's descriptor tests compare with
/// protoc's reading of it and snapshot as text.
struct RedactDescriptor;

impl syn::visit_mut::VisitMut for RedactDescriptor {
    fn visit_impl_item_const_mut(&mut self, item: &mut syn::ImplItemConst) {
        if let (true, syn::Expr::Lit(syn::ExprLit { lit, .. })) =
            (item.ident == "FILE_DESCRIPTOR_SET", &mut item.expr)
        {
            let syn::Lit::ByteStr(bytes) = &*lit else {
                panic!("FILE_DESCRIPTOR_SET is a byte string");
            };
            let text = format!("<{} bytes>", bytes.value().len());
            *lit = syn::Lit::ByteStr(syn::LitByteStr::new(text.as_bytes(), bytes.span()));
        }
    }
}

#[test]
fn plain_actor() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(),
            quote! {
                #[derive(Default)]
                pub struct Counter {
                    total: u64,
                }
            },
        ),
        (
            quote!(),
            quote! {
                impl Counter {
                    /// Adds `by` to the total.
                    pub fn add(&mut self, by: u64) {
                        self.total += by;
                    }

                    /// The current total.
                    pub fn total(&self) -> u64 {
                        self.total
                    }

                    pub fn ping(&self) {}

                    fn helper(&self) -> u64 {
                        self.total
                    }
                }
            },
        ),
    ]));
}

#[test]
fn async_actor_with_ctx() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Fetcher {
                /// Fetches `url`, then counts it.
                pub async fn fetch(&mut self, url: String, ctx: &mut Ctx<Self>) -> usize {
                    self.seen += 1;
                    url.len()
                }

                pub(crate) async fn forget(&mut self, ctx: &mut Ctx<Self>, mut key: String) {
                    key.clear();
                }

                pub fn merge(&mut self, other: Self) -> Option<Self> {
                    None
                }
            }
        },
    )]));
}

#[test]
fn generic_actor() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(),
            quote! {
                pub(crate) struct Store<K, V: Clone = String, const N: usize = 4>
                where
                    K: Eq,
                {
                    items: Vec<(K, V)>,
                }
            },
        ),
        (
            quote!(),
            quote! {
                impl<K, V, const N: usize> Store<K, V, N>
                where
                    K: Eq + Send + 'static,
                    V: Clone + Send + 'static,
                {
                    /// Removes `key`; `V` appears in no message, so the enum gets a phantom
                    /// variant for it.
                    pub fn remove(&mut self, key: K) {
                        self.items.retain(|(k, _)| *k != key);
                    }

                    pub fn len(&self) -> usize {
                        self.items.len()
                    }
                }
            },
        ),
    ]));
}

#[test]
fn result_handlers() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(crate = "::renamed"),
        quote! {
            impl Bank {
                /// Withdraws `amount`; fails when the balance is too low.
                pub fn withdraw(&mut self, amount: u64) -> Result<u64, BankError> {
                    Err(BankError::Insufficient)
                }

                pub async fn audit(&self) -> ::core::result::Result<(), String> {
                    Ok(())
                }

                /// An alias with one argument is a plain reply.
                pub fn io(&self) -> std::io::Result<u64> {
                    Ok(0)
                }
            }
        },
    )]));
}

#[test]
fn deferred_reply_and_hooks() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Batcher {
                /// Answers once the batch is full.
                pub fn join(&mut self, item: u32, slot: ReplySlot<Vec<u32>, Closed>, ctx: &mut Ctx<Self>) {
                    self.waiting.push(slot);
                }

                pub fn flush_later(&mut self, reply: ReplySlot<usize>) {}

                #[pre_start]
                async fn warm_up(&mut self, ctx: &mut Ctx<Self>) -> Result<(), std::io::Error> {
                    Ok(())
                }

                #[post_start]
                fn started(&self) {}

                #[post_stop]
                pub async fn flushed(&mut self) {}
            }
        },
    )]));
}

#[test]
fn struct_with_bounded_mailbox() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(mailbox = bounded(64)),
            quote! {
                /// Counts.
                pub struct Counter {
                    total: u64,
                }
            },
        ),
        (
            quote!(mailbox = unbounded, crate = "renamed"),
            quote! {
                pub(super) enum Light {
                    On,
                    Off,
                }
            },
        ),
    ]));
}

#[test]
fn errors_keep_the_item_and_the_valid_handlers() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Counter {
                pub fn add(&mut self, by: u64) {}
                pub fn name(&self, prefix: &str) -> String { String::new() }
                pub fn stop(&mut self) {}
                #[pre_start]
                fn start(&mut self, extra: u8) {}
            }
        },
    )]));
}

#[test]
fn handler_attributes() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl<T> Gen<T> {
                /// Lint allows, `#[deprecated]` and `doc` lists also go on the handle method;
                /// an `#[expect]` goes there as an `#[allow]`; `#[inline]` and `#[must_use]`
                /// stay on the handler.
                #[allow(non_snake_case)]
                #[expect(clippy::too_many_arguments, reason = "wide")]
                #[deprecated(note = "use `get`")]
                #[doc(hidden)]
                #[inline]
                #[must_use]
                pub fn GetOld(&self) -> u32 { 0 }

                /// The only mention of `T` is configured out: `T` still gets the phantom.
                #[cfg(feature = "set")]
                pub fn set(&mut self, value: T) {}

                /// `io::Result<()>` is a fallible hook.
                #[pre_start]
                fn boot(&mut self) -> std::io::Result<()> { Ok(()) }
            }
        },
    )]));
}

#[test]
fn state_machine() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(
            states = LoginState,
            initial = Authenticating,
            unhandled = stash,
            stash_capacity = 64
        ),
        quote! {
            impl Session {
                /// Logs `user` in.
                #[state(Authenticating)]
                pub fn login(&mut self, user: String, ctx: &mut Ctx<Self>) -> Result<(), LoginError> {
                    self.user = Some(user);
                    ctx.become_state(LoginState::Authenticated);
                    Ok(())
                }

                /// Who is logged in.
                #[state(Authenticated, Authorized)]
                pub fn whoami(&self, verbose: bool) -> String {
                    self.user.clone().unwrap_or_default()
                }

                /// Another handler of `whoami`'s message, for the state it lists; context first.
                #[state(Authorizing)]
                #[handles(whoami)]
                fn whoami_while_authorizing(&self, ctx: &mut Ctx<Self>, verbose: bool) -> String {
                    String::from("wait")
                }

                /// The current state, whatever it is.
                pub fn status(&self, ctx: &mut Ctx<Self>) -> String {
                    format!("{:?}", ctx.state())
                }

                /// Async, with the context, in one state.
                #[state(Authenticated)]
                pub async fn authorize(&mut self, role: String, ctx: &mut Ctx<Self>) {
                    ctx.become_state(LoginState::Authorizing);
                }

                /// A deferred ask; its alternative is async and calls the slot `reply`.
                #[state(Authorizing)]
                pub fn grant(&mut self, slot: ReplySlot<bool>) {
                    slot.send(true);
                }

                #[handles(grant)]
                #[state(Authenticating, Authenticated)]
                async fn refuse(&mut self, reply: ReplySlot<bool>) {
                    reply.send(false);
                }

                #[pre_start]
                fn start(&mut self) {}
            }
        },
    )]));
}

#[test]
fn state_machine_with_data() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(states = LoginState, initial = Idle { tries: 0 }),
            quote! {
                impl Session {
                    /// A state with data is named without it: the guard matches
                    /// `Idle { .. }`, and so would a tuple or a unit variant.
                    #[state(Idle)]
                    pub fn login(&mut self, user: String, ctx: &mut Ctx<Self>) {
                        ctx.become_state(LoginState::Authenticated { user });
                    }

                    /// The data is read through the context.
                    #[state(Authenticated, Locked)]
                    pub fn whoami(&self, ctx: &mut Ctx<Self>) -> String {
                        match ctx.state() {
                            LoginState::Authenticated { user } => user.clone(),
                            _ => String::new(),
                        }
                    }

                    #[state(Idle)]
                    #[handles(whoami)]
                    fn nobody(&self) -> String {
                        String::new()
                    }
                }
            },
        ),
        (
            quote!(states = Phase, initial = Phase::default()),
            quote! {
                impl Job {
                    #[state(Running)]
                    pub fn tick(&mut self) {}
                }
            },
        ),
        (
            quote!(states = Lock, initial = Locked(3)),
            quote! {
                impl Vault {
                    pub fn open(&mut self) {}
                }
            },
        ),
    ]));
}

#[test]
fn stash_capacity_without_states() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(stash_capacity = 8),
        quote! {
            impl Buffer {
                pub fn push(&mut self, item: u8, ctx: &mut Ctx<Self>) {}
            }
        },
    )]));
}

#[test]
fn router_markers() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Worker {
                /// Counts a job of `user`; a consistent-hash pool sends one user's jobs to one
                /// routee.
                #[route(key = user)]
                pub fn record(&mut self, job: Job, user: UserId) {}

                /// Every routee starts a new epoch; both arguments are asserted `Clone`.
                #[route(broadcast)]
                pub fn reset(&mut self, epoch: u32, reason: String, ctx: &mut Ctx<Self>) {}

                /// A keyed ask: its copies share the reply slot.
                #[route(key = r#type)]
                pub async fn lookup(&self, r#type: String) -> Option<u64> {
                    None
                }

                /// A deferred ask keyed on `id`; its slot is the `reply` field.
                #[route(key = id)]
                pub fn wait(&mut self, id: u64, slot: ReplySlot<u64>) {}

                /// `Socket` need not be `Clone`: without a `#[route]` marker the copy is
                /// simply `None` when it is not.
                pub fn adopt(&mut self, socket: Socket) -> bool {
                    true
                }
            }
        },
    )]));
}

#[test]
fn routing_key_paths() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Billing {
                /// The key only routes: `key = customer` finds the argument `_customer`, the
                /// name rustc suggests for an unused argument.
                #[route(key = customer)]
                pub fn bill(&mut self, amount: u64, _customer: CustomerId) {}

                /// A field of an argument, nested.
                #[route(key = order.customer.id)]
                pub async fn place(&mut self, order: Order) -> Result<u64, Refused> {
                    Ok(0)
                }

                /// A tuple field of an argument written with its underscore.
                #[route(key = _pair.0)]
                pub fn pair(&mut self, _pair: (String, u32), ctx: &mut Ctx<Self>) {}
            }
        },
    )]));
}

#[test]
fn fallbacks_after_errors() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(),
            quote! {
                /// Lifetimes are an error; the handle is still generated, as if each were
                /// `'static`.
                pub struct Borrower<'a, T> {
                    name: &'a str,
                    items: Vec<T>,
                }
            },
        ),
        (
            quote!(),
            quote! {
                impl<'a, T: Send + 'static> Borrower<'a, T> where T: 'a {
                    /// So is the dispatch, for `Borrower<'static, T>`.
                    pub fn name(&self, prefix: Cow<'a, str>) -> String {
                        String::new()
                    }
                }
            },
        ),
        (
            quote!(),
            quote! {
                impl Shop {
                    /// Rejected handlers keep a handle method whose body never runs.
                    pub fn greet(&self, (first, last): (String, String), name: &str) {}

                    pub fn put<T: ToString>(&mut self, item: T) -> Result<usize, Full> {
                        Ok(0)
                    }

                    pub fn wait(self, slot: ReplySlot<u64, Closed>) {}

                    /// No stand-in: an `impl Trait` reply has no type to name.
                    pub fn show(&self, item: impl Display) -> impl Display {
                        String::new()
                    }

                    /// No stand-in: it would shadow `ActorHandle::stop`.
                    pub fn stop(&self) {}
                }
            },
        ),
    ]));
}

#[test]
fn remote_actor() {
    let mut file = expand_file(&[
        (
            quote!(),
            quote! {
                #[derive(Default)]
                pub struct Shop {
                    orders: Vec<Order>,
                }
            },
        ),
        (
            quote!(remote = "shop.v1"),
            quote! {
                impl Shop {
                    /// Places an order; its quantity is field 4 on the wire.
                    pub fn place(
                        &mut self,
                        order: Order,
                        #[field(4)] quantity: u32,
                        notes: Vec<String>,
                    ) -> Result<u64, OutOfStock> {
                        self.orders.push(order);
                        Ok(self.orders.len() as u64)
                    }

                    pub fn tag(&mut self, tags: HashMap<String, Color>, note: Option<bytes::Bytes>) {}

                    pub fn total(&self) -> u64 {
                        self.orders.len() as u64
                    }

                    pub fn audit(&self, reply: ReplySlot<(), String>) {
                        reply.send(());
                    }
                }
            },
        ),
    ]);
    syn::visit_mut::VisitMut::visit_file_mut(&mut RedactDescriptor, &mut file);
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn stream_handlers() {
    insta::assert_snapshot!(expand_all(&[
        (
            quote!(),
            quote! {
                #[derive(Default)]
                pub struct Feed {
                    entries: Vec<String>,
                }
            },
        ),
        (
            quote!(states = Phase, initial = Open, unhandled = stash),
            quote! {
                impl Feed {
                    /// Every entry from `from` on; the stream cannot fail.
                    #[route(key = from)]
                    pub fn tail(&self, from: usize, items: StreamSlot<String>) {
                        for entry in &self.entries[from..] {
                            let _ = items.try_send(entry.clone());
                        }
                    }

                    /// The entries that match, ending with `Gone` if the feed closes; the
                    /// context first and the slot in the middle.
                    #[state(Open)]
                    pub async fn search(
                        &mut self,
                        ctx: &mut Ctx<Self>,
                        mut matches: StreamSlot<String, Gone>,
                        pattern: String,
                    ) {
                        for entry in &self.entries {
                            if entry.contains(&pattern) && matches.send(entry.clone()).await.is_err() {
                                return;
                            }
                        }
                    }

                    /// `search` while the feed is closed: the stream fails at once.
                    #[handles(search)]
                    #[state(Closed)]
                    fn search_closed(&self, pattern: String, matches: StreamSlot<String, Gone>) {
                        matches.fail(Gone);
                    }
                }
            },
        ),
    ]));
}

#[test]
fn remote_stream_handlers() {
    let mut file = expand_file(&[
        (
            quote!(),
            quote! {
                #[derive(Default)]
                pub struct Ledger {
                    entries: Vec<Entry>,
                }
            },
        ),
        (
            quote!(remote = "bank.v1"),
            quote! {
                impl Ledger {
                    /// The entries of one account, oldest first.
                    pub async fn history(&self, account: String, mut items: StreamSlot<Entry, Status>) {
                        for entry in &self.entries {
                            if items.send(entry.clone()).await.is_err() {
                                return;
                            }
                        }
                    }

                    /// The amounts, newest first; a sync handler whose stream cannot fail.
                    pub fn amounts(&self, items: StreamSlot<u64>, limit: u32) {
                        for entry in self.entries.iter().rev().take(limit as usize) {
                            let _ = items.try_send(entry.amount);
                        }
                    }

                    pub fn balance(&self, account: String) -> u64 {
                        0
                    }
                }
            },
        ),
    ]);
    syn::visit_mut::VisitMut::visit_file_mut(&mut RedactDescriptor, &mut file);
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn stream_fallbacks_after_errors() {
    insta::assert_snapshot!(expand_all(&[(
        quote!(),
        quote! {
            impl Feed {
                /// Rejected (by-value receiver): its stand-in still returns an `AskStream`.
                pub fn tail(self, from: u32, items: StreamSlot<u32, Gone>) {}

                /// Rejected (returns a value): likewise.
                pub fn head(&self, items: StreamSlot<u32>) -> u32 {
                    0
                }

                /// Rejected (two slots).
                pub fn both(&self, reply: ReplySlot<u32>, items: StreamSlot<u32>) {}

                /// No stand-in: a slot without its types has no item type to name.
                pub fn bare(&self, items: StreamSlot) {}

                /// Kept.
                pub fn fine(&self, items: StreamSlot<u32>) {}
            }
        },
    )]));
}
