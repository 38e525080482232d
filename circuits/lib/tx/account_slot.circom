pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/eddsaposeidon.circom";
include "circomlib/circuits/poseidon.circom";
include "../hashers/tx_hash.circom";
include "../state/account_unpack.circom";
include "../trees/merkle_update.circom";
include "../utils/float40.circom";
include "./account_slot_kind.circom";

// One account slot of a batch: the twin of protocol/state/apply.ts for transfer, withdraw,
// stake, unstake and deposit, the account side of register contribution and inference, and a
// no-op for padding. It touches two leaves of the accounts tree, A then B:
//   L2 transaction   A = the sender (signature over txHash with the leaf's nonce, fee and
//                    debits range-checked); B = the transfer's recipient, else nothing.
//                    A registry transaction's stake or payment is its `amount`; its registry
//                    side runs in a registry slot, matched to this slot through txHash.
//   deposit          A = proof that `to` holds no account when it is not credited;
//                    B = the credited account, or the new account at id count + 1.
// A leaf left alone is "updated" from 0 to 0 at index 0 (always empty), which leaves the root
// as it is. The slot's record (type, a, b, amount, fee) is what batch data posts.
template AccountSlot(ARITY, DEPTH, DOMAIN_HASH) {
    var CAPACITY = ARITY ** DEPTH;

    // The record posted in batch data.
    signal input type;
    // Sender; for a deposit the account credited or opened (0 when refunded on L1).
    signal input a;
    signal input b;
    signal input amountF40;
    signal input feeF40;
    // Withdraw: the L1 recipient; refunded deposit: its L1 sender; otherwise 0.
    signal input recipient;
    // Register contribution: datanet, contentRoot, rowCount, license, uriCommitment; inference:
    // model, inputHash, outputHash, featureCommitment, 0 (docs/protocol.md section 5.1, p0..p4);
    // otherwise zeros.
    signal input payload[5];

    // The sender's key and signature (a fixed valid dummy in slots without one).
    signal input ax;
    signal input ay;
    signal input r8x;
    signal input r8y;
    signal input s;
    // Leaf A before: the sender's L1 address and packed word.
    signal input l1A;
    signal input packedA;
    signal input siblingsA[DEPTH][ARITY - 1];
    // Leaf B before (transfer recipient or credited account).
    signal input bx;
    signal input by;
    signal input l1B;
    signal input packedB;
    signal input siblingsB[DEPTH][ARITY - 1];

    // The L1 queue operation a deposit consumes.
    signal input depTo;
    signal input depAmount;
    signal input depSender;
    signal input depX;
    signal input depY;
    // 1 iff the deposit credits the existing account `depTo`.
    signal input credit;

    // Running values threaded through the batch.
    signal input rootIn;
    signal input queueIn;
    signal input countIn;
    signal input feesIn;
    signal output rootOut;
    signal output queueOut;
    signal output countOut;
    signal output feesOut;
    // The withdrawal this slot emits, if any.
    signal output withdrawFlag;
    signal output withdrawAmount;
    // The record's bits for the batch data hash: type 8, a 24, b 24, amount 40, fee 40.
    signal output recordBits[136];
    // A registry transaction: its txHash, for the registry slot that executes it.
    signal output registryFlag;
    signal output txHashOut;

    component kind = AccountSlotKind();
    kind.type <== type;
    signal isRegistry <== kind.isContribution + kind.isInference;
    signal isL2 <== kind.isTransfer + kind.isWithdraw + kind.isStake + kind.isUnstake + isRegistry;
    registryFlag <== isRegistry;
    for (var k = 0; k < 5; k++) payload[k] * (1 - isRegistry) === 0;
    kind.isInference * payload[4] === 0;

    component amountDec = Float40();
    amountDec.packed <== amountF40;
    component feeDec = Float40();
    feeDec.packed <== feeF40;
    signal amount <== amountDec.value;
    signal fee <== feeDec.value;

    // Canonical records: fields a type does not use are 0.
    (kind.isNoop + kind.isDeposit) * amountF40 === 0;
    (kind.isNoop + kind.isDeposit) * feeF40 === 0;
    (1 - kind.isTransfer) * b === 0;

    // ---- deposit: the queue operation, and where it goes ----
    component depToBits = Num2Bits(32);
    depToBits.in <== depTo;
    component depAmountBits = Num2Bits(96);
    depAmountBits.in <== depAmount;
    component queueHash = Poseidon(5);
    queueHash.inputs[0] <== queueIn;
    queueHash.inputs[1] <== 1 + depTo * (1 << 8) + depAmount * (1 << 40);
    queueHash.inputs[2] <== depSender;
    queueHash.inputs[3] <== depX;
    queueHash.inputs[4] <== depY;
    queueOut <== queueIn + kind.isDeposit * (queueHash.out - queueIn);

    credit * (credit - 1) === 0;
    credit * (1 - kind.isDeposit) === 0;
    // to < CAPACITY = 2^CAPACITY_BITS: the bits of `to` above those are all 0.
    var CAPACITY_BITS = log2Exact(ARITY) * DEPTH;
    var aboveCapacity = 0;
    for (var i = CAPACITY_BITS; i < 32; i++) aboveCapacity += depToBits.out[i] * (1 << (i - CAPACITY_BITS));
    component toInRange = IsZero();
    toInRange.in <== aboveCapacity;
    component full = IsEqual();
    full.in[0] <== countIn + 1;
    full.in[1] <== CAPACITY;
    signal uncredited <== kind.isDeposit * (1 - credit);
    signal open <== uncredited * (1 - full.out);
    signal refund <== uncredited * full.out;
    countOut <== countIn + open;
    signal creditedId <== credit * depTo;
    signal openedId <== open * (countIn + 1);
    a * (1 - isL2) === creditedId + openedId;

    // ---- leaf A: the sender, or the deposit's `to` shown empty ----
    component unpackA = AccountUnpack();
    unpackA.packed <== packedA;
    signal debitAmount <== (kind.isTransfer + kind.isWithdraw + kind.isStake + isRegistry) * amount;
    signal unstaked <== kind.isUnstake * amount;
    signal stakeDelta <== kind.isStake * amount - unstaked;
    // The fee and debits come out of the balance before an unstake adds to it, as in the
    // TypeScript. Credits need no range check: the OPEN supply is below 2^96.
    component afterDebit = Num2Bits(96);
    afterDebit.in <== unpackA.balance - fee - debitAmount;
    component newStaked = Num2Bits(96);
    newStaked.in <== unpackA.staked + stakeDelta;
    // nonce + 1 < 2^32: the nonce (32 bits, from the unpack) is not the largest one. One
    // constraint (an inverse) instead of the range check of nonce + 1.
    signal nonceHeadroom <-- 1 / (unpackA.nonce - ((1 << 32) - 1));
    nonceHeadroom * (unpackA.nonce - ((1 << 32) - 1)) === 1;

    component oldLeafA = Poseidon(4);
    oldLeafA.inputs <== [ax, ay, l1A, packedA];
    component newLeafA = Poseidon(4);
    newLeafA.inputs <== [ax, ay, l1A, packedA - fee - debitAmount + unstaked + (1 << 96) + stakeDelta * (1 << 128)];

    signal emptyTo <== uncredited * toInRange.out;
    component updateA = MerkleUpdate(ARITY, DEPTH);
    signal senderIndex <== isL2 * a;
    updateA.index <== senderIndex + emptyTo * depTo;
    updateA.oldLeaf <== isL2 * oldLeafA.out;
    updateA.newLeaf <== isL2 * newLeafA.out;
    updateA.siblings <== siblingsA;
    updateA.oldRoot === rootIn;

    // ---- the signature over txHash, with the nonce the leaf holds ----
    // p0..p5 as txFields (protocol/tx/fields.ts) orders them per type. The packed fields are
    // in range: type by its kind, a < CAPACITY (its record bits), the nonce by the unpack, the
    // fee <= the balance (the debit check).
    signal transferTo <== kind.isTransfer * b;
    signal p0Account <== transferTo + (kind.isWithdraw + kind.isStake + kind.isUnstake) * amount;
    signal transferAmount <== kind.isTransfer * amount;
    signal p1Account <== transferAmount + kind.isWithdraw * recipient;
    signal contributionP4 <== kind.isContribution * payload[4];
    signal p5 <== kind.isContribution * amount;
    component txHash = TxHash();
    txHash.domainHash <== DOMAIN_HASH;
    txHash.fields <== [
        type, a, unpackA.nonce, fee,
        p0Account + payload[0], p1Account + payload[1], payload[2], payload[3],
        contributionP4 + kind.isInference * amount, p5
    ];
    txHashOut <== txHash.hash;
    component sig = EdDSAPoseidonVerifier();
    sig.enabled <== isL2;
    sig.Ax <== ax;
    sig.Ay <== ay;
    sig.S <== s;
    sig.R8x <== r8x;
    sig.R8y <== r8y;
    sig.M <== txHash.hash;
    feesOut <== feesIn + fee;

    // ---- leaf B: the transfer's recipient, the credited account or the opened one ----
    component same = IsEqual();
    same.in[0] <== a;
    same.in[1] <== b;
    kind.isTransfer * same.out === 0;
    signal hasOldB <== kind.isTransfer + credit;
    signal received <== transferAmount + credit * depAmount;
    component oldLeafB = Poseidon(4);
    oldLeafB.inputs <== [bx, by, l1B, packedB];
    component newLeafB = Poseidon(4);
    newLeafB.inputs[0] <== bx + open * (depX - bx);
    newLeafB.inputs[1] <== by + open * (depY - by);
    newLeafB.inputs[2] <== l1B + open * (depSender - l1B);
    newLeafB.inputs[3] <== packedB + received + open * (depAmount - packedB);
    component updateB = MerkleUpdate(ARITY, DEPTH);
    updateB.index <== transferTo + creditedId + openedId;
    updateB.oldLeaf <== hasOldB * oldLeafB.out;
    updateB.newLeaf <== (hasOldB + open) * newLeafB.out;
    updateB.siblings <== siblingsB;
    updateB.oldRoot === updateA.newRoot;
    rootOut <== updateB.newRoot;

    // ---- the withdrawal: a withdraw, or a deposit refunded because the tree is full ----
    withdrawFlag <== kind.isWithdraw + refund;
    signal withdrawn <== kind.isWithdraw * amount;
    withdrawAmount <== withdrawn + refund * depAmount;
    refund * (recipient - depSender) === 0;
    (1 - withdrawFlag) * recipient === 0;

    // ---- the record's bits, big-endian per field ----
    component typeBits = Num2Bits(8);
    typeBits.in <== type;
    component aBits = Num2Bits(24);
    aBits.in <== a;
    component bBits = Num2Bits(24);
    bBits.in <== b;
    for (var i = 0; i < 8; i++) recordBits[i] <== typeBits.out[7 - i];
    for (var i = 0; i < 24; i++) {
        recordBits[8 + i] <== aBits.out[23 - i];
        recordBits[32 + i] <== bBits.out[23 - i];
    }
    for (var i = 0; i < 40; i++) {
        recordBits[56 + i] <== amountDec.bits[39 - i];
        recordBits[96 + i] <== feeDec.bits[39 - i];
    }
}
