#!/usr/bin/env escript
%%! +S 1:1 +SDcpu 1:1 +SDio 1 +sbwt none +sbwtdcpu none +sbwtdio none
%%
%% The BEAM side of `pnpm bench:otp`: the same workloads as runtime.ts, written in plain Erlang
%% (gen_server for the GenServer figures, Elixir's Registry for the dispatch figure), timed the
%% same way (warm-ups, then the median of the runs' rates), and printed as one JSON object on
%% standard output for otp.bench.ts to put next to the Node figures.
%%
%%   escript packages/otp/bench/beam.escript --runs 5 --calls 200000 --only call,cast
%%
%% The emulator flags (the %%! line above, which otp.bench.ts also prints):
%%   +S 1:1             one scheduler thread, online: the runtime runs every process on Node's one
%%                      JavaScript thread, so the BEAM gets one too.
%%   +SDcpu 1:1 +SDio 1 one dirty scheduler of each kind rather than one per core. Nothing here
%%                      calls a dirty NIF; they exist, idle, as V8's helper threads do for Node.
%%   +sbwt none (and +sbwtdcpu, +sbwtdio)  no busy wait: by default a scheduler that runs out of
%%                      work spins for a while before it sleeps. On a shared 2-core machine that
%%                      spinning takes a core from whatever else runs, and Node never spins, so
%%                      it is off. With one scheduler the measured loops never run out of work
%%                      anyway, so this changes little but the machine's load.
%% Everything else is the default: the JIT (OTP 25 on x86-64), the default heap (233 words).
%% -mode(compile) makes escript compile this module rather than interpret it.
%%
%% Flags: --runs N --warmups N --clock wall|cpu --only key,key and the sizes (--messages --batch
%% --roundtrips --calls --casts --spawns --idle --subscribers --deliveries), as otp.bench.ts
%% takes them. The cpu clock is statistics(runtime): the VM's CPU time, in milliseconds.
-module(beam_bench).
-mode(compile).
-behaviour(gen_server).
-export([init/1, handle_call/3, handle_cast/2]).

-define(KEYS, ["one-way", "ping-pong", "call", "cast", "spawn", "idle", "dispatch"]).

main(Args) ->
    Opts = options(Args, defaults()),
    Registry = dispatch_registry(),
    Figures = [{Key, figure(Key, Opts, Registry)} || Key <- maps:get(only, Opts)],
    io:format("~s~n", [json(report(Registry, Figures))]).

defaults() ->
    #{runs => 5, warmups => 1, clock => wall, only => ?KEYS,
      messages => 1000000, batch => 1000, roundtrips => 300000, calls => 200000,
      casts => 500000, spawns => 200000, idle => 100000, subscribers => 1000,
      deliveries => 1000000}.

options([], Opts) ->
    Opts;
options(["--clock", Clock | Rest], Opts) when Clock =:= "wall"; Clock =:= "cpu" ->
    options(Rest, Opts#{clock := list_to_atom(Clock)});
options(["--only", Keys | Rest], Opts) ->
    Only = string:split(Keys, ",", all),
    [fail("--only: unknown figure ~s; figures: ~s", [K, lists:join(",", ?KEYS)])
     || K <- Only, not lists:member(K, ?KEYS)],
    options(Rest, Opts#{only := Only});
options(["--" ++ Name, Value | Rest], Opts) ->
    Key = list_to_atom(Name),
    case {maps:is_key(Key, Opts), catch list_to_integer(Value)} of
        {true, N} when is_integer(N), N > 0 -> options(Rest, Opts#{Key := N});
        _ -> fail("bad flag --~s ~s", [Name, Value])
    end;
options([Arg | _], _) ->
    fail("unknown argument ~s", [Arg]).

fail(Format, Args) ->
    io:format(standard_error, Format ++ "~n", Args),
    halt(2).

%% One figure: a rate (median of the runs) or, for idle, bytes per process.
figure("one-way", O, _) -> rate(one_way(maps:get(batch, O)), maps:get(messages, O), O);
figure("ping-pong", O, _) -> rate(fun ping_pong/1, maps:get(roundtrips, O), O);
figure("call", O, _) -> rate(fun calls/1, maps:get(calls, O), O);
figure("cast", O, _) -> rate(fun casts/1, maps:get(casts, O), O);
figure("spawn", O, _) -> rate(fun spawn_link_exit/1, maps:get(spawns, O), O);
figure("idle", O, _) -> idle_bytes(maps:get(idle, O));
figure("dispatch", O, Registry) ->
    %% As dispatchFixture: the registry and its subscribers are set up before and taken down
    %% after the warm-ups and runs, untimed.
    {Run, Close} = dispatch_fixture(Registry, maps:get(subscribers, O)),
    Rate = rate(Run, maps:get(deliveries, O), O),
    Close(),
    Rate.

%% ---- timing (harness.ts's rate and median) ----

rate(Work, Size, Opts) ->
    #{runs := Runs, warmups := Warmups, clock := Clock} = Opts,
    [Work(Size) || _ <- lists:seq(1, Warmups)],
    median([timed(Work, Size, Clock) || _ <- lists:seq(1, Runs)]).

timed(Work, Size, Clock) ->
    Start = now_ms(Clock),
    Done = case Work(Size) of
               N when is_integer(N) -> N;
               _ -> Size
           end,
    Done / (max(now_ms(Clock) - Start, 0.001) / 1000).

now_ms(wall) -> erlang:monotonic_time(microsecond) / 1000;
now_ms(cpu) -> element(1, statistics(runtime)).

median(Values) ->
    Sorted = lists:sort(Values),
    Len = length(Sorted),
    Mid = Len div 2,
    case Len rem 2 of
        1 -> lists:nth(Mid + 1, Sorted);
        0 -> (lists:nth(Mid, Sorted) + lists:nth(Mid + 1, Sorted)) / 2
    end.

wait_done() ->
    receive done -> ok end.

%% ---- send one-way: one sender, one receiver, an ack every Batch messages ----

one_way(Batch) ->
    fun(Size) ->
        Shell = self(),
        Receiver = spawn(fun() -> receive Sender -> take(1, Size, Batch, Sender, Shell) end end),
        spawn(fun() -> Receiver ! self(), give(0, Size, Batch, Receiver) end),
        wait_done()
    end.

take(I, Size, _, _, Shell) when I > Size ->
    Shell ! done;
take(I, Size, Batch, Sender, Shell) ->
    receive _ -> ok end,
    I rem Batch =:= 0 andalso (Sender ! ack),
    take(I + 1, Size, Batch, Sender, Shell).

give(Sent, Size, _, _) when Sent >= Size ->
    ok;
give(Sent, Size, Batch, Receiver) ->
    End = min(Size, Sent + Batch),
    send_range(Sent, End, Receiver),
    case End rem Batch =:= 0 andalso End < Size of
        true -> receive _ -> ok end;
        false -> ok
    end,
    give(End, Size, Batch, Receiver).

send_range(End, End, _) -> ok;
send_range(I, End, Receiver) -> Receiver ! I, send_range(I + 1, End, Receiver).

%% ---- ping-pong: two processes passing one message back and forth ----

ping_pong(Size) ->
    Shell = self(),
    Ponger = spawn(fun() -> pong(Size) end),
    spawn(fun() -> ping(Size, Ponger), Shell ! done end),
    wait_done().

pong(0) -> ok;
pong(N) -> receive From -> From ! pong end, pong(N - 1).

ping(0, _) -> ok;
ping(N, Ponger) -> Ponger ! self(), receive _ -> ok end, ping(N - 1, Ponger).

%% ---- GenServer.call and GenServer.cast: a counter and one client process ----

init(Start) -> {ok, Start}.
handle_call(get, _From, Count) -> {reply, Count, Count}.
handle_cast(bump, Count) -> {noreply, Count + 1}.

with_counter(Client) ->
    {ok, Server} = gen_server:start(?MODULE, 0, []),
    Shell = self(),
    spawn(fun() -> Client(Server), Shell ! done end),
    wait_done(),
    gen_server:stop(Server).

calls(Size) ->
    with_counter(fun(Server) -> call_n(Size, Server) end).

call_n(0, _) -> ok;
call_n(N, Server) -> gen_server:call(Server, get), call_n(N - 1, Server).

casts(Size) ->
    with_counter(fun(Server) ->
        cast_n(Size, Server),
        Size = gen_server:call(Server, get)
    end).

cast_n(0, _) -> ok;
cast_n(N, Server) -> gen_server:cast(Server, bump), cast_n(N - 1, Server).

%% ---- spawn+link+exit: a parent trapping exits takes each linked child's EXIT ----

spawn_link_exit(Size) ->
    Shell = self(),
    spawn(fun() ->
        process_flag(trap_exit, true),
        spawn_batches(0, Size),
        Shell ! done
    end),
    wait_done().

spawn_batches(Started, Size) when Started >= Size ->
    ok;
spawn_batches(Started, Size) ->
    End = min(Size, Started + 1000),
    spawn_linked(End - Started),
    take_exits(End - Started),
    spawn_batches(End, Size).

spawn_linked(0) -> ok;
spawn_linked(N) -> spawn_link(fun ended/0), spawn_linked(N - 1).

take_exits(0) -> ok;
take_exits(N) -> receive _ -> ok end, take_exits(N - 1).

ended() -> ok.

%% ---- idle process: bytes of process memory each idle process holds ----

%% erlang:memory(processes) before and after spawning Count processes that each wait in a
%% receive, as heapPerItem does with Node's heap: it counts in bytes (a word is
%% erlang:system_info(wordsize) = 8 bytes), and includes each process's control block,
%% heap and stack, and the shell's list of pids.
idle_bytes(Count) ->
    Before = settled_memory(),
    Pids = [spawn(fun wait_forever/0) || _ <- lists:seq(1, Count)],
    [wait_until_waiting(Pid) || Pid <- Pids],
    After = settled_memory(),
    [exit(Pid, kill) || Pid <- Pids],
    max(0, After - Before) / Count.

wait_forever() ->
    receive _ -> ok end.

wait_until_waiting(Pid) ->
    case erlang:process_info(Pid, status) of
        {status, waiting} -> ok;
        _ -> erlang:yield(), wait_until_waiting(Pid)
    end.

settled_memory() ->
    erlang:garbage_collect(),
    erlang:memory(processes).

%% ---- Registry.dispatch: Count subscribers under one duplicate key ----

%% Elixir's Registry (duplicate keys, one partition: its defaults) when elixir is installed,
%% else OTP's pg, whose get_members plus a send to each is the same fan-out.
dispatch_registry() ->
    case elixir_ebin() of
        {ok, Ebin, Version} ->
            true = code:add_patha(Ebin),
            {elixir, Version};
        none ->
            pg
    end.

elixir_ebin() ->
    case os:find_executable("elixir") of
        false ->
            none;
        Elixir ->
            Out = os:cmd(Elixir ++ " -e 'IO.write [:code.lib_dir(:elixir, :ebin), ?\\n, System.version]'"),
            case string:split(string:trim(Out), "\n", all) of
                [Ebin, Version] -> {ok, Ebin, Version};
                _ -> none
            end
    end.

registry_start({elixir, _}) ->
    {ok, Sup} = 'Elixir.Registry':start_link([{keys, duplicate}, {name, beam_bench_registry}]),
    unlink(Sup),
    beam_bench_registry;
registry_start(pg) ->
    {ok, _} = pg:start(beam_bench_pg),
    beam_bench_pg.

registry_register({elixir, _}, Reg) -> {ok, _} = 'Elixir.Registry':register(Reg, topic, nil);
registry_register(pg, Scope) -> ok = pg:join(Scope, topic, self()).

registry_dispatch({elixir, _}, Reg, Message) ->
    'Elixir.Registry':dispatch(Reg, topic, fun(Entries) -> send_entries(Entries, Message) end);
registry_dispatch(pg, Scope, Message) ->
    send_pids(pg:get_members(Scope, topic), Message).

send_entries([], _) -> ok;
send_entries([{Pid, _} | Rest], Message) -> Pid ! Message, send_entries(Rest, Message).

send_pids([], _) -> ok;
send_pids([Pid | Rest], Message) -> Pid ! Message, send_pids(Rest, Message).

dispatch_fixture(Registry, Subscribers) ->
    Reg = registry_start(Registry),
    Shell = self(),
    Pids = [spawn(fun() -> subscriber(Registry, Reg, Shell) end) || _ <- lists:seq(1, Subscribers)],
    sync_with(Subscribers),
    Run = fun(Size) ->
        Rounds = max(1, round(Size / Subscribers)),
        dispatch_rounds(Registry, Reg, 0, Rounds),
        registry_dispatch(Registry, Reg, sync),
        sync_with(Subscribers),
        (Rounds + 1) * Subscribers
    end,
    Close = fun() ->
        [exit(Pid, kill) || Pid <- Pids],
        gen:stop(whereis(Reg))
    end,
    {Run, Close}.

dispatch_rounds(_, _, Rounds, Rounds) -> ok;
dispatch_rounds(Registry, Reg, Round, Rounds) ->
    registry_dispatch(Registry, Reg, Round),
    dispatch_rounds(Registry, Reg, Round + 1, Rounds).

subscriber(Registry, Reg, Shell) ->
    registry_register(Registry, Reg),
    Shell ! sync,
    subscribed(Shell).

subscribed(Shell) ->
    receive
        sync -> Shell ! sync;
        _ -> ok
    end,
    subscribed(Shell).

sync_with(0) -> ok;
sync_with(N) -> receive sync -> sync_with(N - 1) end.

%% ---- the report ----

report(Registry, Figures) ->
    [{otp, erlang:system_info(otp_release)},
     {erts, erlang:system_info(version)},
     {emulator, atom_to_list(erlang:system_info(emu_flavor))},
     {schedulers, erlang:system_info(schedulers_online)},
     {registry, registry_name(Registry)},
     {figures, Figures}].

registry_name({elixir, Version}) -> "Elixir " ++ Version ++ " Registry (duplicate keys, 1 partition)";
registry_name(pg) -> "pg (OTP's process groups: get_members, then a send to each; no elixir found)".

json(N) when is_integer(N) -> integer_to_list(N);
json(F) when is_float(F) -> float_to_list(F, [{decimals, 3}, compact]);
json([{_, _} | _] = Pairs) ->
    ["{", lists:join(",", [[json_string(key(K)), ":", json(V)] || {K, V} <- Pairs]), "}"];
json(S) when is_list(S) -> json_string(S).

key(K) when is_atom(K) -> atom_to_list(K);
key(K) -> K.

json_string(S) ->
    [$", [escape(C) || C <- S], $"].

escape($") -> "\\\"";
escape($\\) -> "\\\\";
escape(C) -> C.
