"""A plain Python gRPC client of the `bank` example node.

It knows nothing of rakt: it compiles `proto/examples/bank/v1/account.proto` with grpcio-tools
and calls the `bank.v1.Account` service, the one the node's account actors implement, naming
the account (the actor) in the `rakt-actor` metadata key; its `History` rpc is a server stream,
read as a Python iterator. Then it finds the `Teller` actor,
which is defined only in Rust (`#[actor(remote)]`), through gRPC reflection alone, and calls it
with messages built from the reflected schema.

Usage: bank_client.py HOST:PORT PROTO_ROOT
Prints one line per step; exits non-zero at the first step that does not hold.
"""

import importlib
import os
import sys
import tempfile

import grpc
from google.protobuf import descriptor_pool, message_factory
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from grpc_status import rpc_status
from grpc_tools import protoc


def stubs(proto_root):
    """Compiles the bank proto into a temporary package and imports its modules."""
    out = tempfile.mkdtemp(prefix="bank-stubs-")
    proto = os.path.join(proto_root, "bank", "v1", "account.proto")
    include = os.path.join(os.path.dirname(protoc.__file__), "_proto")
    code = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{proto_root}",
            f"-I{include}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            proto,
        ]
    )
    if code != 0:
        sys.exit(f"protoc failed with {code}")
    sys.path.insert(0, out)
    return (
        importlib.import_module("bank.v1.account_pb2"),
        importlib.import_module("bank.v1.account_pb2_grpc"),
    )


def check(condition, what):
    if not condition:
        sys.exit(f"FAILED: {what}")
    print(what, flush=True)


def account(channel, pb, pb_grpc):
    stub = pb_grpc.AccountStub(channel)
    bob = (("rakt-actor", "bob"),)

    reply = stub.Deposit(pb.DepositRequest(amount=70), metadata=bob, timeout=10)
    check(reply.balance == 70, f"python: deposited 70 into bob, balance {reply.balance}")
    reply = stub.Deposit(pb.DepositRequest(amount=30), metadata=bob, timeout=10)
    check(reply.balance == 100, f"python: deposited 30 into bob, balance {reply.balance}")
    reply = stub.Balance(pb.BalanceRequest(), metadata=bob, timeout=10)
    check(reply.balance == 100, f"python: bob's balance is {reply.balance}")

    entries = list(stub.History(pb.HistoryRequest(), metadata=bob, timeout=10))
    listed = ", ".join(f"{e.kind} {e.amount} (balance {e.balance})" for e in entries)
    check(
        [(e.kind, e.amount, e.balance) for e in entries]
        == [("deposit", 70, 70), ("deposit", 30, 100)],
        f"python: bob's history streams {len(entries)} entries: {listed}",
    )

    try:
        stub.Withdraw(pb.WithdrawRequest(amount=500), metadata=bob, timeout=10)
        check(False, "python: an overdraft is refused")
    except grpc.RpcError as error:
        status = rpc_status.from_call(error)
        check(
            error.code() == grpc.StatusCode.FAILED_PRECONDITION,
            f"python: withdrawing 500 fails with {error.code().name}: {error.details()}",
        )
        check(
            status is not None and status.code == grpc.StatusCode.FAILED_PRECONDITION.value[0],
            "python: the status details carry the same code",
        )

    try:
        stub.Audit(pb.AuditRequest(millis=1000), metadata=bob, timeout=0.2)
        check(False, "python: an audit past the deadline fails")
    except grpc.RpcError as error:
        check(
            error.code() == grpc.StatusCode.DEADLINE_EXCEEDED,
            f"python: an audit longer than the deadline fails with {error.code().name}",
        )

    try:
        stub.Balance(pb.BalanceRequest(), metadata=(("rakt-actor", "nobody"),), timeout=10)
        check(False, "python: an unknown account is not found")
    except grpc.RpcError as error:
        check(
            error.code() == grpc.StatusCode.NOT_FOUND,
            f"python: account nobody fails with {error.code().name}",
        )


def teller(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    services = sorted(database.get_services())
    check("bank.v1.Account" in services, "python: reflection lists bank.v1.Account")
    check("bank.v1.Teller" in services, "python: reflection lists bank.v1.Teller")

    pool = descriptor_pool.DescriptorPool(database)
    service = pool.FindServiceByName("bank.v1.Teller")
    method = service.FindMethodByName("Open")
    request = message_factory.GetMessageClass(method.input_type)
    response = message_factory.GetMessageClass(method.output_type)
    call = channel.unary_unary(
        f"/{service.full_name}/{method.name}",
        request_serializer=request.SerializeToString,
        response_deserializer=response.FromString,
    )
    reply = call(request(owner="carol", deposit=25), metadata=(("rakt-actor", "teller"),), timeout=10)
    check(
        "carol" in reply.value,
        f"python: the teller (Rust only), called through its reflected schema: {reply.value!r}",
    )


def main():
    address, proto_root = sys.argv[1], sys.argv[2]
    pb, pb_grpc = stubs(proto_root)
    with grpc.insecure_channel(address) as channel:
        account(channel, pb, pb_grpc)
        teller(channel)
    print("python: done", flush=True)


if __name__ == "__main__":
    main()
