pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/poseidon.circom";
include "../hashers/tx_hash.circom";
include "../state/licenses.circom";
include "../trees/merkle_update.circom";

// One registry slot: the registry side of a register contribution (type 5), a register model
// (type 6), an inference (type 7), a create Datanet (type 12) or a curate (type 13) whose
// account side (signature, nonce, fee, stake or payment debit, the model owner's minimum
// stake, a curate's refund to the owner) ran in an account slot; the batch matches the two
// through txHash (and a curate's owner and refund through `link`). A no-op (type 0) pads.
// Each slot updates one leaf in each registry tree, a tree it leaves alone "updated" from 0 to
// 0 at the always-empty index 0 (the Datanet a contribution or a curate reads is "updated" to
// itself):
//   Datanet        a new leaf Poseidon(owner, metadataHash, licensePolicy, curationMode,
//                  curators, minStake) at id count + 1; the policy sets only known license
//                  bits, the mode is 0 (open) or 1 (curated), minStake < 2^96
//   contribution   the Datanet it names exists and its policy admits the license; a new leaf
//                  Poseidon(owner, datanet, contentRoot, rowCount, license, uriCommitment,
//                  stake, status) at id count + 1; stake >= minContributionStake and >= the
//                  Datanet's minStake; status 1 (accepted) in an open Datanet, 0 (pending) in
//                  a curated one
//   curate         the contribution is pending, its Datanet names the sender among its
//                  curators; status becomes 1 (accept) or 2 (reject, stake set to 0), and
//                  `link` = owner + refund·2^24 with refund the stake on a rejection, 0 else
//   model          a new leaf Poseidon(owner, modelHash, trainingDescriptor,
//                  checkpointCommitment, inferenceFee, baseModel, 0) at id count + 1, where
//                  trainingDescriptor = Poseidon(trainingConfigHash, trainingSetRoot, maxId)
//                  with 1 <= maxId <= the contributions count (ids are strictly increasing
//                  and never removed, so every named contribution exists: docs/protocol.md
//                  section 7), and baseModel <= the models count (0: none)
//   inference      the model's escrow grows by the payment (payment >= its inference fee);
//                  a new record Poseidon(user, model, inputHash, outputHash,
//                  featureCommitment, payment) at id count + 1
// Registry ids fit 32 bits and every registry tree holds at most 2^32 leaves.
template RegistrySlot(ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_D, DOMAIN_HASH) {
    // The transaction (txFields order), nonce and fee as its account slot read them.
    signal input type;
    signal input from;
    signal input nonce;
    signal input fee;
    signal input amount;
    signal input payload[5];
    signal output txHash;
    signal output used;

    signal input minContributionStake;

    // Register model: the training descriptor opened (the list itself stays off-circuit).
    signal input trainingConfigHash;
    signal input trainingSetRoot;
    signal input trainingMax;

    // The model an inference pays, as its leaf holds it before.
    signal input modelOwner;
    signal input modelHash;
    signal input modelDescriptor;
    signal input modelCheckpoint;
    signal input modelFee;
    signal input modelBase;
    signal input modelEscrow;

    signal input siblingsC[DEPTH_C][ARITY - 1];
    signal input siblingsM[DEPTH_M][ARITY - 1];
    signal input siblingsI[DEPTH_I][ARITY - 1];
    signal input siblingsD[DEPTH_D][ARITY - 1];

    // The Datanet leaf's fields (owner, metadataHash, licensePolicy, curationMode, curators,
    // minStake): the one created, the one contributed to, or the curated contribution's.
    signal input datanet[6];
    // Curate: the contribution's leaf fields before, and the Datanet's curators (u32 words).
    signal input contribution[8];
    signal input curators[4];

    signal input contributionsIn;
    signal input modelsIn;
    signal input inferencesIn;
    signal input contributionCountIn;
    signal input modelCountIn;
    signal input inferenceCountIn;
    signal input datanetsIn;
    signal input datanetCountIn;
    signal output datanetsOut;
    signal output datanetCountOut;
    signal output link;
    signal output contributionsOut;
    signal output modelsOut;
    signal output inferencesOut;
    signal output contributionCountOut;
    signal output modelCountOut;
    signal output inferenceCountOut;
    // The record posted in batch data: type 8, w0 32, h1 256, h2 256, h3 256, w4 32, w5 16.
    signal output recordBits[856];

    signal isNoop <-- type == 0 ? 1 : 0;
    signal isContribution <-- type == 5 ? 1 : 0;
    signal isModel <-- type == 6 ? 1 : 0;
    signal isInference <-- type == 7 ? 1 : 0;
    signal isDatanet <-- type == 12 ? 1 : 0;
    signal isCurate <-- type == 13 ? 1 : 0;
    isNoop * type === 0;
    isContribution * (type - 5) === 0;
    isModel * (type - 6) === 0;
    isInference * (type - 7) === 0;
    isDatanet * (type - 12) === 0;
    isCurate * (type - 13) === 0;
    isNoop + isContribution + isModel + isInference + isDatanet + isCurate === 1;
    used <== isContribution + isModel + isInference + isDatanet + isCurate;
    // A no-op's fields are zeros.
    (1 - used) * (from + nonce + fee + amount) === 0;
    for (var k = 0; k < 5; k++) (1 - used) * payload[k] === 0;
    (isInference + isDatanet + isCurate) * payload[4] === 0;
    for (var k = 0; k < 8; k++) (1 - isCurate) * contribution[k] === 0;
    for (var k = 0; k < 4; k++) (1 - isCurate) * curators[k] === 0;
    isModel * (payload[3] - amount) === 0;
    (1 - isModel) * (trainingConfigHash + trainingSetRoot + trainingMax) === 0;

    // txHash packs from, nonce and fee into one input: it binds them (the owner a leaf
    // records, above all) only within their ranges, which the account slot's own checks do
    // not give these copies.
    component fromBits = Num2Bits(32);
    fromBits.in <== from;
    component nonceBits = Num2Bits(32);
    nonceBits.in <== nonce;
    component feeBits = Num2Bits(96);
    feeBits.in <== fee;
    signal contributionP4 <== (isContribution + isModel) * payload[4];
    signal p5 <== isContribution * amount;
    component hash = TxHash();
    hash.domainHash <== DOMAIN_HASH;
    hash.fields <== [
        type, from, nonce, fee,
        payload[0], payload[1], payload[2], payload[3],
        contributionP4 + (isInference + isDatanet) * amount, p5
    ];
    txHash <== hash.hash;

    // ---- the Datanet: created (its fields are the transaction's), or read ----
    signal reads <== isContribution + isCurate;
    for (var k = 0; k < 4; k++) isDatanet * (datanet[k + 1] - payload[k]) === 0;
    isDatanet * (datanet[0] - from) === 0;
    isDatanet * (datanet[5] - amount) === 0;
    signal mode <== isDatanet * datanet[3];
    mode * (datanet[3] - 1) === 0;
    component dFull = LessThan(33);
    dFull.in[0] <== datanetCountIn + 1;
    dFull.in[1] <== ARITY ** DEPTH_D;
    isDatanet * (1 - dFull.out) === 0;
    component dLeaf = Poseidon(6);
    dLeaf.inputs <== datanet;
    component dUpdate = MerkleUpdate(ARITY, DEPTH_D);
    signal newDatanet <== isDatanet * (datanetCountIn + 1);
    signal contributedTo <== isContribution * payload[0];
    signal curatedIn <== isCurate * contribution[1];
    dUpdate.index <== newDatanet + contributedTo + curatedIn;
    dUpdate.oldLeaf <== reads * dLeaf.out;
    dUpdate.newLeaf <== (reads + isDatanet) * dLeaf.out;
    dUpdate.siblings <== siblingsD;
    dUpdate.oldRoot === datanetsIn;
    datanetsOut <== dUpdate.newRoot;
    datanetCountOut <== datanetCountIn + isDatanet;

    // The license policy: a created one sets only known bits; a contribution's license is one
    // of its bits (exactly one `pick` is 1, at the license id).
    component policyBits = Num2Bits(32);
    policyBits.in <== (isDatanet + isContribution) * datanet[2];
    var KNOWN = knownLicenseMask();
    for (var k = 0; k < 32; k++) {
        if (((KNOWN >> k) & 1) == 0) isDatanet * policyBits.out[k] === 0;
    }
    signal pick[32];
    signal allowed[32];
    var picked = 0;
    var pickedId = 0;
    var admitted = 0;
    for (var k = 0; k < 32; k++) {
        pick[k] <-- isContribution == 1 && payload[3] == k ? 1 : 0;
        pick[k] * (pick[k] - 1) === 0;
        allowed[k] <== pick[k] * policyBits.out[k];
        picked += pick[k];
        pickedId += k * pick[k];
        admitted += allowed[k];
    }
    picked === isContribution;
    pickedId === isContribution * payload[3];
    admitted === isContribution;

    // ---- register contribution, or curate: the contribution leaf ----
    component enough = Num2Bits(96);
    enough.in <== isContribution * (amount - minContributionStake);
    component enoughForDatanet = Num2Bits(96);
    enoughForDatanet.in <== isContribution * (amount - datanet[5]);
    component cFull = LessThan(33);
    cFull.in[0] <== contributionCountIn + 1;
    cFull.in[1] <== ARITY ** DEPTH_C;
    isContribution * (1 - cFull.out) === 0;
    // Curate: the contribution is pending, the sender one of its Datanet's curators (the
    // curators word split into range-checked u32 words), accept is 0 or 1.
    isCurate * contribution[7] === 0;
    component curatorBits[4];
    var curatorsWord = 0;
    for (var k = 0; k < 4; k++) {
        curatorBits[k] = Num2Bits(32);
        curatorBits[k].in <== curators[k];
        curatorsWord += curators[k] * (1 << (32 * k));
    }
    isCurate * (datanet[4] - curatorsWord) === 0;
    signal notCurator[4];
    notCurator[0] <== from - curators[0];
    for (var k = 1; k < 4; k++) notCurator[k] <== notCurator[k - 1] * (from - curators[k]);
    isCurate * notCurator[3] === 0;
    signal accept <== isCurate * payload[1];
    accept * (payload[1] - 1) === 0;
    component cOld = Poseidon(8);
    cOld.inputs <== contribution;
    component cNew = Poseidon(8);
    cNew.inputs[0] <== isContribution * from + contribution[0];
    for (var k = 0; k < 5; k++) cNew.inputs[k + 1] <== isContribution * payload[k] + contribution[k + 1];
    signal kept <== accept * contribution[6];
    cNew.inputs[6] <== isContribution * amount + kept;
    signal openStatus <== isContribution * (1 - datanet[3]);
    cNew.inputs[7] <== openStatus + 2 * isCurate - accept;
    component cUpdate = MerkleUpdate(ARITY, DEPTH_C);
    signal curated <== isCurate * payload[0];
    cUpdate.index <== isContribution * (contributionCountIn + 1) + curated;
    cUpdate.oldLeaf <== isCurate * cOld.out;
    cUpdate.newLeaf <== reads * cNew.out;
    cUpdate.siblings <== siblingsC;
    cUpdate.oldRoot === contributionsIn;
    contributionsOut <== cUpdate.newRoot;
    contributionCountOut <== contributionCountIn + isContribution;
    // The owner credited and the refund, for the account slot (its b and amount).
    link <== contribution[0] + (contribution[6] - kept) * (1 << 24);

    // ---- register model: the descriptor, its contributions and base model exist ----
    component descriptor = Poseidon(3);
    descriptor.inputs <== [trainingConfigHash, trainingSetRoot, trainingMax];
    isModel * (descriptor.out - payload[1]) === 0;
    component maxFrom1 = Num2Bits(32);
    maxFrom1.in <== isModel * (trainingMax - 1);
    component maxExists = Num2Bits(32);
    maxExists.in <== isModel * (contributionCountIn - trainingMax);
    component baseExists = Num2Bits(32);
    baseExists.in <== isModel * (modelCountIn - payload[4]);
    component mFull = LessThan(33);
    mFull.in[0] <== modelCountIn + 1;
    mFull.in[1] <== ARITY ** DEPTH_M;
    isModel * (1 - mFull.out) === 0;
    modelCountOut <== modelCountIn + isModel;

    // ---- inference: the model's escrow, then the record; or the new model's leaf ----
    // One range check for all three (they never run in one slot): an inference pays at least
    // the model's fee; a new model's inferenceFee and a new Datanet's minStake (its `amount`,
    // never debited) are below 2^96, as the TypeScript requires, though float40 values reach
    // about 2^138.
    signal newModelFee <== (isModel + isDatanet) * amount;
    component paid = Num2Bits(96);
    paid.in <== isInference * (amount - modelFee) + newModelFee;
    component mOld = Poseidon(7);
    mOld.inputs <== [modelOwner, modelHash, modelDescriptor, modelCheckpoint, modelFee, modelBase, modelEscrow];
    // Inference: the leaf it pays, escrow + payment; model: the new leaf, escrow 0.
    signal escrowPaid <== isInference * (modelEscrow + amount);
    component mNew = Poseidon(7);
    mNew.inputs[0] <== modelOwner + isModel * (from - modelOwner);
    mNew.inputs[1] <== modelHash + isModel * (payload[0] - modelHash);
    mNew.inputs[2] <== modelDescriptor + isModel * (payload[1] - modelDescriptor);
    mNew.inputs[3] <== modelCheckpoint + isModel * (payload[2] - modelCheckpoint);
    mNew.inputs[4] <== modelFee + isModel * (amount - modelFee);
    mNew.inputs[5] <== modelBase + isModel * (payload[4] - modelBase);
    mNew.inputs[6] <== escrowPaid;
    component mUpdate = MerkleUpdate(ARITY, DEPTH_M);
    signal paidModel <== isInference * payload[0];
    mUpdate.index <== paidModel + isModel * (modelCountIn + 1);
    mUpdate.oldLeaf <== isInference * mOld.out;
    mUpdate.newLeaf <== (isInference + isModel) * mNew.out;
    mUpdate.siblings <== siblingsM;
    mUpdate.oldRoot === modelsIn;
    modelsOut <== mUpdate.newRoot;

    component iFull = LessThan(33);
    iFull.in[0] <== inferenceCountIn + 1;
    iFull.in[1] <== ARITY ** DEPTH_I;
    isInference * (1 - iFull.out) === 0;
    component iLeaf = Poseidon(6);
    iLeaf.inputs <== [from, payload[0], payload[1], payload[2], payload[3], amount];
    component iUpdate = MerkleUpdate(ARITY, DEPTH_I);
    iUpdate.index <== isInference * (inferenceCountIn + 1);
    iUpdate.oldLeaf <== 0;
    iUpdate.newLeaf <== isInference * iLeaf.out;
    iUpdate.siblings <== siblingsI;
    iUpdate.oldRoot === inferencesIn;
    inferencesOut <== iUpdate.newRoot;
    inferenceCountOut <== inferenceCountIn + isInference;

    // ---- the record: contribution (datanet, contentRoot, uriCommitment, 0, rowCount, license),
    // model (baseModel, modelHash, trainingDescriptor, checkpointCommitment, 0, 0),
    // inference (model, inputHash, outputHash, featureCommitment, 0, 0), Datanet
    // (licensePolicy, metadataHash, curators, 0, 0, curationMode), curate (contribution, 0, 0,
    // 0, 0, accept) ----
    signal modelW0 <== isModel * (payload[4] - payload[0]);
    signal w0 <== payload[0] + modelW0 + isDatanet * (payload[1] - payload[0]);
    signal swapped <== (isModel + isDatanet) * (payload[0] - payload[1]);
    signal h1 <== payload[1] + swapped - accept;
    signal uri <== isContribution * payload[4];
    signal outputHash <== isInference * payload[2];
    signal modelH2 <== isModel * payload[1];
    signal h2 <== uri + outputHash + modelH2 + isDatanet * payload[3];
    signal featureCommitment <== isInference * payload[3];
    signal h3 <== featureCommitment + isModel * payload[2];
    signal w4 <== isContribution * payload[2];
    signal license <== isContribution * payload[3];
    signal datanetMode <== isDatanet * payload[2];
    signal w5 <== license + datanetMode + accept;
    component typeBits = Num2Bits(8);
    typeBits.in <== type;
    component w0Bits = Num2Bits(32);
    w0Bits.in <== w0;
    component h1Bits = Num2Bits_strict();
    h1Bits.in <== h1;
    component h2Bits = Num2Bits_strict();
    h2Bits.in <== h2;
    component h3Bits = Num2Bits_strict();
    h3Bits.in <== h3;
    component w4Bits = Num2Bits(32);
    w4Bits.in <== w4;
    component w5Bits = Num2Bits(16);
    w5Bits.in <== w5;
    for (var i = 0; i < 8; i++) recordBits[i] <== typeBits.out[7 - i];
    for (var i = 0; i < 32; i++) recordBits[8 + i] <== w0Bits.out[31 - i];
    for (var i = 0; i < 2; i++) {
        recordBits[40 + i] <== 0;
        recordBits[296 + i] <== 0;
        recordBits[552 + i] <== 0;
    }
    for (var i = 0; i < 254; i++) {
        recordBits[42 + i] <== h1Bits.out[253 - i];
        recordBits[298 + i] <== h2Bits.out[253 - i];
        recordBits[554 + i] <== h3Bits.out[253 - i];
    }
    for (var i = 0; i < 32; i++) recordBits[808 + i] <== w4Bits.out[31 - i];
    for (var i = 0; i < 16; i++) recordBits[840 + i] <== w5Bits.out[15 - i];
}
