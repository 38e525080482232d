import type { QueueOp } from "../../protocol/tx/types.ts";
import type { SequencerNode } from "../node.ts";
import { KEY, type RelayedOpRecord } from "../storage/schema.ts";

/**
 * The sequencer side of the L1 queue relay (bridge/queue-relay.ts, its QueueSink): the queue
 * cursor, execution of queue operations, and the relay's records in the node's LevelDB, which
 * survive a restart so that an operation re-mined after an L1 reorg is never executed twice.
 */
export function relaySink(node: SequencerNode) {
  return {
    queue: () => node.sequencer.view.queue,
    execute: (op: QueueOp) => node.sequencer.executeQueueOp(op),
    relayed: (index: bigint) => node.store.get<RelayedOpRecord>(KEY.relayedOp(index)),
    recordRelayed: (op: RelayedOpRecord) =>
      node.store.write([{ type: "put", key: KEY.relayedOp(op.index), value: op }]),
  };
}
