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
// stake, unstake and the L1 queue operations (deposit, forced withdrawal, set parameter,
// slash), the account side of register contribution, register model, inference, create
// Datanet and curate, and a no-op for padding.
// It touches two leaves of the accounts tree, A then B:
//   L2 transaction   A = the sender (signature over txHash with the leaf's nonce, fee and
//                    debits range-checked); B = the transfer's recipient, a curate's
//                    contribution owner (credited the refund, 0 on acceptance), else nothing.
//                    A registry transaction's stake, inference fee or payment is its
//                    `amount`; its registry side runs in a registry slot, matched to this
//                    slot through txHash. Registering a model needs staked >= minModelStake.
//   deposit          A = proof that `to` holds no account when it is not credited;
//                    B = the credited account, or the new account at id count + 1.
//   forced withdrawal, slash
//                    A = the account named, or the proof that it holds none (then nothing
//                    happens); B = nothing.
//   set parameter    neither: the slot hands (id, value) to the batch, which applies the
//                    batch's one parameter change when it closes.
// A leaf left alone is "updated" from 0 to 0 at index 0 (always empty), which leaves the root
// as it is. The slot's record (type, a, b, amount, fee) is what batch data posts.
template AccountSlot(ARITY, DEPTH, DOMAIN_HASH) {
    var CAPACITY = ARITY ** DEPTH;

    // The record posted in batch data.
    signal input type;
    // Sender; for a queue operation the account it credits, opens or acts on (0 if none: a
    // refunded deposit, a set-parameter order, an operation naming no account).
    signal input a;
    signal input b;
    signal input amountF40;
    signal input feeF40;
    // Withdraw: the L1 recipient; refunded deposit, authorised forced withdrawal: its L1
    // sender; otherwise 0.
    signal input recipient;
    // Register contribution: datanet, contentRoot, rowCount, license, uriCommitment; register
    // model: modelHash, trainingDescriptor, checkpointCommitment, inferenceFee (= amount),
    // baseModel; inference: model, inputHash, outputHash, featureCommitment, 0; create Datanet:
    // metadataHash, licensePolicy, curationMode, curators, 0 (minStake = amount); curate:
    // contribution, accept, 0, 0, 0 (docs/protocol.md section 5.1, p0..p4); otherwise zeros.
    signal input payload[5];
    // The governance parameter registering a model checks.
    signal input minModelStake;

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

    // The L1 queue operation the slot consumes, as L1 hashed it (docs/protocol.md section 8):
    // account, amount, w1, w2, w3; zeros in other slots.
    signal input qAccount;
    signal input qAmount;
    signal input qW1;
    signal input qW2;
    signal input qW3;
    // 1 iff qAccount holds an account (a deposit credits it; a forced withdrawal or a slash acts
    // on it).
    signal input existing;
    // Forced withdrawal, slash: 1 iff the amount exceeds the balance (the stake) and is cut to it.
    signal input capped;

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
    // A curate: b + amount·2^24 (owner and refund), which its registry slot must reach from the
    // contribution leaf; 0 otherwise.
    signal output linkOut;
    // A set-parameter order: its flag, parameter id and value, for the batch.
    signal output paramFlag;
    signal output paramId;
    signal output paramValue;

    component kind = AccountSlotKind();
    kind.type <== type;
    signal isRegistry <== kind.isContribution + kind.isModel + kind.isInference + kind.isDatanet + kind.isCurate;
    signal isL2 <== kind.isTransfer + kind.isWithdraw + kind.isStake + kind.isUnstake + isRegistry;
    signal isQueue <== kind.isDeposit + kind.isForcedWithdrawal + kind.isSetParameter + kind.isSlash;
    // Queue operations that act on an existing account's leaf A.
    signal isActOn <== kind.isForcedWithdrawal + kind.isSlash;
    registryFlag <== isRegistry;
    for (var k = 0; k < 5; k++) payload[k] * (1 - isRegistry) === 0;
    (kind.isInference + kind.isDatanet + kind.isCurate) * payload[4] === 0;

    component amountDec = Float40();
    amountDec.packed <== amountF40;
    component feeDec = Float40();
    feeDec.packed <== feeF40;
    signal amount <== amountDec.value;
    signal fee <== feeDec.value;
    kind.isModel * (payload[3] - amount) === 0;

    // Canonical records: fields a type does not use are 0.
    (kind.isNoop + isQueue) * amountF40 === 0;
    (kind.isNoop + isQueue) * feeF40 === 0;
    (1 - kind.isTransfer - kind.isCurate) * b === 0;

    // ---- the queue operation, and where it goes ----
    component qAccountBits = Num2Bits(32);
    qAccountBits.in <== qAccount;
    component qAmountBits = Num2Bits(96);
    qAmountBits.in <== qAmount;
    // header = kind + account·2^8 + amount·2^40, the queue kind being the type minus 7.
    component queueHash = Poseidon(5);
    queueHash.inputs[0] <== queueIn;
    queueHash.inputs[1] <== type - 7 + qAccount * (1 << 8) + qAmount * (1 << 40);
    queueHash.inputs[2] <== qW1;
    queueHash.inputs[3] <== qW2;
    queueHash.inputs[4] <== qW3;
    queueOut <== queueIn + isQueue * (queueHash.out - queueIn);

    existing * (existing - 1) === 0;
    existing * (1 - kind.isDeposit - isActOn) === 0;
    // account < CAPACITY = 2^CAPACITY_BITS: the bits of the account id above those are all 0.
    var CAPACITY_BITS = log2Exact(ARITY) * DEPTH;
    var aboveCapacity = 0;
    for (var i = CAPACITY_BITS; i < 32; i++) aboveCapacity += qAccountBits.out[i] * (1 << (i - CAPACITY_BITS));
    component toInRange = IsZero();
    toInRange.in <== aboveCapacity;
    component full = IsEqual();
    full.in[0] <== countIn + 1;
    full.in[1] <== CAPACITY;
    signal credit <== kind.isDeposit * existing;
    signal uncredited <== kind.isDeposit - credit;
    signal open <== uncredited * (1 - full.out);
    signal refund <== uncredited - open;
    countOut <== countIn + open;
    signal existingId <== existing * qAccount;
    signal openedId <== open * (countIn + 1);
    a * (1 - isL2) === existingId + openedId;

    // ---- leaf A: the sender, the account a forced withdrawal or slash names, or the queue
    // operation's account shown empty ----
    component unpackA = AccountUnpack();
    unpackA.packed <== packedA;
    signal forcing <== existing * kind.isForcedWithdrawal;
    signal slashing <== existing * kind.isSlash;
    // A forced withdrawal pays only the L1 address that opened the account.
    component owner = IsEqual();
    owner.in[0] <== l1A;
    owner.in[1] <== qW1;
    signal authorized <== forcing * owner.out;
    // min(amount, balance or stake): `capped` picks the cap; the range checks below hold
    // cap - amount >= 0 when it is 0 and amount - cap - 1 >= 0 when it is 1.
    capped * (capped - 1) === 0;
    capped * (1 - isActOn) === 0;
    signal cap <== unpackA.balance + kind.isSlash * (unpackA.staked - unpackA.balance);
    signal cut <== capped * (cap - qAmount);
    signal taken <== qAmount + cut;
    signal cappedSlack <== -cut - capped;
    signal forcedSlack <== kind.isForcedWithdrawal * cappedSlack;
    signal forced <== authorized * taken;
    signal slashed <== slashing * taken;

    signal debitAmount <== (kind.isTransfer + kind.isWithdraw + kind.isStake + kind.isContribution + kind.isInference) * amount + forced;
    signal unstaked <== kind.isUnstake * amount;
    signal stakeDelta <== kind.isStake * amount - unstaked - slashed;
    // The fee and debits come out of the balance before an unstake adds to it, as in the
    // TypeScript. Credits need no range check: the OPEN supply is below 2^96. A capped forced
    // withdrawal (slash) leaves balance (stake) 0, and its check holds amount - cap - 1 instead.
    // Registering a model leaves the stake alone: its check holds staked - minModelStake.
    signal modelStake <== kind.isModel * minModelStake;
    component afterDebit = Num2Bits(96);
    afterDebit.in <== unpackA.balance - fee - debitAmount + forcedSlack;
    component newStaked = Num2Bits(96);
    newStaked.in <== unpackA.staked + stakeDelta + cappedSlack - forcedSlack - modelStake;
    // An L2 transaction's nonce + 1 < 2^32: its nonce (32 bits, from the unpack) is not the
    // largest one. One constraint (an inverse) instead of the range check of nonce + 1; queue
    // operations leave the nonce alone and need no headroom.
    signal nonceHeadroom <-- isL2 / (unpackA.nonce - ((1 << 32) - 1));
    nonceHeadroom * (unpackA.nonce - ((1 << 32) - 1)) === isL2;

    component oldLeafA = Poseidon(4);
    oldLeafA.inputs <== [ax, ay, l1A, packedA];
    component newLeafA = Poseidon(4);
    newLeafA.inputs <== [ax, ay, l1A, packedA - fee - debitAmount + unstaked + isL2 * (1 << 96) + stakeDelta * (1 << 128)];

    signal hasA <== isL2 + forcing + slashing;
    signal showA <== (uncredited + isActOn) * toInRange.out;
    component updateA = MerkleUpdate(ARITY, DEPTH);
    signal senderIndex <== isL2 * a;
    updateA.index <== senderIndex + showA * qAccount;
    updateA.oldLeaf <== hasA * oldLeafA.out;
    updateA.newLeaf <== hasA * newLeafA.out;
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
    signal contributionP4 <== (kind.isContribution + kind.isModel) * payload[4];
    signal p5 <== kind.isContribution * amount;
    component txHash = TxHash();
    txHash.domainHash <== DOMAIN_HASH;
    txHash.fields <== [
        type, a, unpackA.nonce, fee,
        p0Account + payload[0], p1Account + payload[1], payload[2], payload[3],
        contributionP4 + (kind.isInference + kind.isDatanet) * amount, p5
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
    (kind.isTransfer + kind.isCurate) * same.out === 0;
    signal hasOldB <== kind.isTransfer + credit + kind.isCurate;
    signal curateRefund <== kind.isCurate * amount;
    signal received <== transferAmount + credit * qAmount + curateRefund;
    component oldLeafB = Poseidon(4);
    oldLeafB.inputs <== [bx, by, l1B, packedB];
    component newLeafB = Poseidon(4);
    newLeafB.inputs[0] <== bx + open * (qW2 - bx);
    newLeafB.inputs[1] <== by + open * (qW3 - by);
    newLeafB.inputs[2] <== l1B + open * (qW1 - l1B);
    newLeafB.inputs[3] <== packedB + received + open * (qAmount - packedB);
    component updateB = MerkleUpdate(ARITY, DEPTH);
    signal creditedId <== credit * qAccount;
    signal curatedOwner <== kind.isCurate * b;
    updateB.index <== transferTo + creditedId + openedId + curatedOwner;
    updateB.oldLeaf <== hasOldB * oldLeafB.out;
    updateB.newLeaf <== (hasOldB + open) * newLeafB.out;
    updateB.siblings <== siblingsB;
    updateB.oldRoot === updateA.newRoot;
    rootOut <== updateB.newRoot;
    linkOut <== curatedOwner + curateRefund * (1 << 24);

    // ---- the withdrawal: a withdraw, a deposit refunded because the tree is full, or an
    // authorised forced withdrawal (paid to its L1 sender, even when the balance is 0) ----
    withdrawFlag <== kind.isWithdraw + refund + authorized;
    signal withdrawn <== kind.isWithdraw * amount;
    signal refunded <== refund * qAmount;
    withdrawAmount <== withdrawn + refunded + forced;
    (refund + authorized) * (recipient - qW1) === 0;
    (1 - withdrawFlag) * recipient === 0;

    // ---- a set-parameter order, applied by the batch ----
    paramFlag <== kind.isSetParameter;
    paramId <== kind.isSetParameter * qAccount;
    paramValue <== kind.isSetParameter * qW1;

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
