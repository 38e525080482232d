pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../tx/account_slot.circom";
include "../tx/registry_slot.circom";
include "../state/governance_params.circom";
include "../state/param_change.circom";
include "./registry_match.circom";
include "../utils/bits_be.circom";
include "./fee_credit.circom";
include "./batch_commitment.circom";
include "./prover_binding.circom";
include "../blob/blob_evaluation.circom";
include "./state_root.circom";
include "./withdrawals_match.circom";
include "./withdrawals_root.circom";
include "../trees/empty_binary_root.circom";

// A batch of NTX account slots over an accounts tree of arity ARITY and depth DEPTH, and NREG
// registry slots over registry trees of arity REG_ARITY and depths DEPTH_C (contributions),
// DEPTH_M (models), DEPTH_I (inferences), DEPTH_D (Datanets): the twin of beginBatch / applyTx /
// closeBatch (protocol/state) for transfers, withdrawals, stakes, unstakes, the L1 queue
// operations (deposits, forced withdrawals, set-parameter and slash orders), contribution and
// model registrations, inferences, Datanet creations and curates, padded with no-ops. The batch's one set-parameter order, if
// any, changes the parameters when it closes. Each registry transaction takes an account slot (signature,
// nonce, fee, debit) and a registry slot (its registry writes), in execution order on each
// side; registry trees are touched by registry slots only, so the order within every tree is
// the TypeScript's. Its one public signal is sha256(commitment ‖ prover) with the commitment
//   Poseidon(Poseidon(preStateRoot, postStateRoot, H_start, H_end, withdrawalsRoot),
//            Poseidon(vh_hi, vh_lo, z, y_hi, y_lo)),
// both with the top three bits cleared (docs/protocol.md section 8.1): the batch data, in the
// fixed layout of protocol/batch/layout.ts (feeRecipient u24, NTX records of 17 bytes, NWD
// recipients of 20 bytes, NREG registry records of 107 bytes), is the blob whose versioned
// hash the commitment names, opened at z to y (section 8.2, BlobEvaluation). DOMAIN_HASH binds
// signatures to one chain and rollup deployment.
template Batch(ARITY, DEPTH, NTX, NWD, WD_DEPTH, DOMAIN_HASH, REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_D, NREG) {
    signal output publicInput;

    // The state before the batch.
    signal input accountsRoot;
    signal input contributionsRoot;
    signal input modelsRoot;
    signal input inferencesRoot;
    signal input datanetsRoot;
    signal input counters[5];
    signal input paramsHash;
    signal input queueStart;

    signal input type[NTX];
    signal input a[NTX];
    signal input b[NTX];
    signal input amountF40[NTX];
    signal input feeF40[NTX];
    signal input recipient[NTX];
    signal input ax[NTX];
    signal input ay[NTX];
    signal input r8x[NTX];
    signal input r8y[NTX];
    signal input s[NTX];
    signal input l1A[NTX];
    signal input packedA[NTX];
    signal input siblingsA[NTX][DEPTH][ARITY - 1];
    signal input bx[NTX];
    signal input by[NTX];
    signal input l1B[NTX];
    signal input packedB[NTX];
    signal input siblingsB[NTX][DEPTH][ARITY - 1];
    signal input qAccount[NTX];
    signal input qAmount[NTX];
    signal input qW1[NTX];
    signal input qW2[NTX];
    signal input qW3[NTX];
    signal input existing[NTX];
    signal input capped[NTX];

    signal input payload[NTX][5];
    signal input recipients[NWD];

    // The governance parameters before the batch (paramsHash opened): registry slots check
    // minimum stakes against them, and a set-parameter order changes them.
    signal input governance[9];
    // Registry slots: per slot its transaction, the account slot it pairs with and the model
    // leaf it pays.
    signal input regType[NREG];
    signal input regSlot[NREG];
    signal input regFrom[NREG];
    signal input regNonce[NREG];
    signal input regFee[NREG];
    signal input regAmount[NREG];
    signal input regPayload[NREG][5];
    signal input regModel[NREG][7];
    // A register model's training descriptor opened: trainingConfigHash, trainingSetRoot, maxId.
    signal input regTraining[NREG][3];
    signal input regSiblingsC[NREG][DEPTH_C][REG_ARITY - 1];
    signal input regSiblingsM[NREG][DEPTH_M][REG_ARITY - 1];
    signal input regSiblingsI[NREG][DEPTH_I][REG_ARITY - 1];
    // The Datanet a slot creates or reads, a curate's contribution before and its curators.
    signal input regDatanet[NREG][6];
    signal input regContribution[NREG][8];
    signal input regCurators[NREG][4];
    signal input regSiblingsD[NREG][DEPTH_D][REG_ARITY - 1];

    signal input feeRecipient;
    // The L1 address that will submit the proof: the public input binds it (ProverBinding).
    signal input prover;
    // The blob's versioned hash, as two 128-bit halves (L1's BatchCommitted gives it).
    signal input versionedHash[2];
    signal input feeRecipientExists;
    signal input feeX;
    signal input feeY;
    signal input feeL1;
    signal input feePacked;
    signal input feeSiblings[DEPTH][ARITY - 1];

    component pre = StateRoot();
    pre.accountsRoot <== accountsRoot;
    pre.contributionsRoot <== contributionsRoot;
    pre.modelsRoot <== modelsRoot;
    pre.inferencesRoot <== inferencesRoot;
    pre.datanetsRoot <== datanetsRoot;
    pre.counters <== counters;
    pre.paramsHash <== paramsHash;

    component slot[NTX];
    component wd;
    if (NWD > 0) wd = WithdrawalsMatch(NTX, NWD);
    for (var i = 0; i < NTX; i++) {
        slot[i] = AccountSlot(ARITY, DEPTH, DOMAIN_HASH);
        slot[i].type <== type[i];
        slot[i].a <== a[i];
        slot[i].b <== b[i];
        slot[i].amountF40 <== amountF40[i];
        slot[i].feeF40 <== feeF40[i];
        slot[i].recipient <== recipient[i];
        slot[i].payload <== payload[i];
        slot[i].minModelStake <== governance[8];
        slot[i].ax <== ax[i];
        slot[i].ay <== ay[i];
        slot[i].r8x <== r8x[i];
        slot[i].r8y <== r8y[i];
        slot[i].s <== s[i];
        slot[i].l1A <== l1A[i];
        slot[i].packedA <== packedA[i];
        slot[i].siblingsA <== siblingsA[i];
        slot[i].bx <== bx[i];
        slot[i].by <== by[i];
        slot[i].l1B <== l1B[i];
        slot[i].packedB <== packedB[i];
        slot[i].siblingsB <== siblingsB[i];
        slot[i].qAccount <== qAccount[i];
        slot[i].qAmount <== qAmount[i];
        slot[i].qW1 <== qW1[i];
        slot[i].qW2 <== qW2[i];
        slot[i].qW3 <== qW3[i];
        slot[i].existing <== existing[i];
        slot[i].capped <== capped[i];
        if (i == 0) {
            slot[i].rootIn <== accountsRoot;
            slot[i].queueIn <== queueStart;
            slot[i].countIn <== counters[0];
            slot[i].feesIn <== 0;
        } else {
            slot[i].rootIn <== slot[i - 1].rootOut;
            slot[i].queueIn <== slot[i - 1].queueOut;
            slot[i].countIn <== slot[i - 1].countOut;
            slot[i].feesIn <== slot[i - 1].feesOut;
        }
        if (NWD > 0) {
            wd.flags[i] <== slot[i].withdrawFlag;
            wd.amounts[i] <== slot[i].withdrawAmount;
            wd.slotRecipients[i] <== recipient[i];
        } else {
            slot[i].withdrawFlag === 0;
        }
        if (NREG == 0) slot[i].registryFlag === 0;
    }
    if (NWD > 0) wd.recipients <== recipients;

    // Governance: the parameters before, and after the batch's one set-parameter order.
    component governanceHash = GovernanceParams();
    governanceHash.params <== governance;
    governanceHash.hash === paramsHash;
    var paramOrders = 0;
    var paramId = 0;
    var paramValue = 0;
    for (var i = 0; i < NTX; i++) {
        paramOrders += slot[i].paramFlag;
        paramId += slot[i].paramId;
        paramValue += slot[i].paramValue;
    }
    paramOrders * (paramOrders - 1) === 0;
    component paramChange = ParamChange();
    paramChange.params <== governance;
    paramChange.flag <== paramOrders;
    paramChange.id <== paramId;
    paramChange.value <== paramValue;
    component paramsAfter = GovernanceParams();
    paramsAfter.params <== paramChange.out;

    // Registry slots, after every account slot: they read the account slots' transactions
    // through the match, and only they write the registry trees.
    component reg[NREG];
    component regMatch;
    signal registryRoots[NREG + 1][4];
    signal registryCounts[NREG + 1][4];
    registryRoots[0] <== [contributionsRoot, modelsRoot, inferencesRoot, datanetsRoot];
    registryCounts[0] <== [counters[1], counters[2], counters[3], counters[4]];
    if (NREG > 0) {
        regMatch = RegistryMatch(NTX, NREG);
        for (var i = 0; i < NTX; i++) {
            regMatch.accountFlags[i] <== slot[i].registryFlag;
            regMatch.accountHashes[i] <== slot[i].txHashOut;
            regMatch.accountLinks[i] <== slot[i].linkOut;
        }
    }
    for (var j = 0; j < NREG; j++) {
        // The transaction's fields are inputs: the txHash match binds them to the paired
        // account slot's record, nonce and payload.
        reg[j] = RegistrySlot(REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_D, DOMAIN_HASH);
        reg[j].type <== regType[j];
        reg[j].from <== regFrom[j];
        reg[j].nonce <== regNonce[j];
        reg[j].fee <== regFee[j];
        reg[j].amount <== regAmount[j];
        reg[j].payload <== regPayload[j];
        reg[j].minContributionStake <== governance[7];
        reg[j].modelOwner <== regModel[j][0];
        reg[j].modelHash <== regModel[j][1];
        reg[j].modelDescriptor <== regModel[j][2];
        reg[j].modelCheckpoint <== regModel[j][3];
        reg[j].modelFee <== regModel[j][4];
        reg[j].modelBase <== regModel[j][5];
        reg[j].modelEscrow <== regModel[j][6];
        reg[j].trainingConfigHash <== regTraining[j][0];
        reg[j].trainingSetRoot <== regTraining[j][1];
        reg[j].trainingMax <== regTraining[j][2];
        reg[j].siblingsC <== regSiblingsC[j];
        reg[j].siblingsM <== regSiblingsM[j];
        reg[j].siblingsI <== regSiblingsI[j];
        reg[j].siblingsD <== regSiblingsD[j];
        reg[j].datanet <== regDatanet[j];
        reg[j].contribution <== regContribution[j];
        reg[j].curators <== regCurators[j];
        reg[j].contributionsIn <== registryRoots[j][0];
        reg[j].modelsIn <== registryRoots[j][1];
        reg[j].inferencesIn <== registryRoots[j][2];
        reg[j].datanetsIn <== registryRoots[j][3];
        reg[j].contributionCountIn <== registryCounts[j][0];
        reg[j].modelCountIn <== registryCounts[j][1];
        reg[j].inferenceCountIn <== registryCounts[j][2];
        reg[j].datanetCountIn <== registryCounts[j][3];
        registryRoots[j + 1] <== [reg[j].contributionsOut, reg[j].modelsOut, reg[j].inferencesOut, reg[j].datanetsOut];
        registryCounts[j + 1] <== [
            reg[j].contributionCountOut, reg[j].modelCountOut, reg[j].inferenceCountOut, reg[j].datanetCountOut
        ];
        regMatch.used[j] <== reg[j].used;
        regMatch.registryLinks[j] <== reg[j].link;
        regMatch.slotIndex[j] <== regSlot[j];
        regMatch.registryHashes[j] <== reg[j].txHash;
    }


    component fees = FeeCredit(ARITY, DEPTH);
    fees.recipient <== feeRecipient;
    fees.exists <== feeRecipientExists;
    fees.ax <== feeX;
    fees.ay <== feeY;
    fees.l1Address <== feeL1;
    fees.packed <== feePacked;
    fees.siblings <== feeSiblings;
    fees.fees <== slot[NTX - 1].feesOut;
    fees.rootIn <== slot[NTX - 1].rootOut;

    component post = StateRoot();
    post.accountsRoot <== fees.rootOut;
    post.contributionsRoot <== registryRoots[NREG][0];
    post.modelsRoot <== registryRoots[NREG][1];
    post.inferencesRoot <== registryRoots[NREG][2];
    post.datanetsRoot <== registryRoots[NREG][3];
    post.counters <== [
        slot[NTX - 1].countOut, registryCounts[NREG][0], registryCounts[NREG][1], registryCounts[NREG][2],
        registryCounts[NREG][3]
    ];
    post.paramsHash <== paramsAfter.hash;

    signal withdrawalsRoot;
    if (NWD > 0) {
        component withdrawals = WithdrawalsRoot(NWD, WD_DEPTH);
        withdrawals.leaves <== wd.leaves;
        withdrawalsRoot <== withdrawals.root;
    } else {
        component noWithdrawals = EmptyBinaryRoot(WD_DEPTH);
        withdrawalsRoot <== noWithdrawals.root;
    }

    // The batch data's bits, in layout order (each a Num2Bits output).
    var DATA_BITS = 24 + NTX * 136 + NWD * 160 + NREG * 856;
    signal dataBits[DATA_BITS];
    component feeRecipientBits = BitsBE(24);
    feeRecipientBits.in <== feeRecipient;
    for (var i = 0; i < 24; i++) dataBits[i] <== feeRecipientBits.bits[i];
    for (var t = 0; t < NTX; t++) {
        for (var i = 0; i < 136; i++) dataBits[24 + t * 136 + i] <== slot[t].recordBits[i];
    }
    component recipientBits[NWD];
    for (var k = 0; k < NWD; k++) {
        recipientBits[k] = BitsBE(160);
        recipientBits[k].in <== recipients[k];
        for (var i = 0; i < 160; i++) dataBits[24 + NTX * 136 + k * 160 + i] <== recipientBits[k].bits[i];
    }
    for (var j = 0; j < NREG; j++) {
        for (var i = 0; i < 856; i++) dataBits[24 + NTX * 136 + NWD * 160 + j * 856 + i] <== reg[j].recordBits[i];
    }

    // The data as 31-byte blob elements (the last one zero-padded), opened at z.
    var ELEMENTS = (DATA_BITS + 247) \ 248;
    component blob = BlobEvaluation(ELEMENTS);
    for (var j = 0; j < ELEMENTS; j++) {
        for (var i = 0; i < 248; i++) {
            blob.elementBits[j][i] <== j * 248 + i < DATA_BITS ? dataBits[j * 248 + i] : 0;
        }
    }
    component vhBits[2];
    for (var h = 0; h < 2; h++) {
        vhBits[h] = BitsBE(128);
        vhBits[h].in <== versionedHash[h];
        for (var i = 0; i < 128; i++) blob.versionedHashBits[h * 128 + i] <== vhBits[h].bits[i];
    }

    // The commitment: the five claimed words, then the versioned hash, z and y (y as 128-bit
    // halves of its range-checked bits; z below p, decomposed strictly by the blob evaluation).
    var z = 0;
    var yHalves[2] = [0, 0];
    for (var i = 0; i < 256; i++) {
        z += blob.zBits[i] * 2 ** (255 - i);
        yHalves[i \ 128] += blob.yBits[i] * 2 ** (127 - i % 128);
    }
    component commitment = BatchCommitment();
    commitment.claimed <== [pre.root, post.root, queueStart, slot[NTX - 1].queueOut, withdrawalsRoot];
    commitment.versionedHash <== versionedHash;
    commitment.z <== z;
    commitment.y <== yHalves;
    component binding = ProverBinding();
    binding.commitmentBits <== commitment.bits;
    binding.prover <== prover;
    publicInput <== binding.out;
}
