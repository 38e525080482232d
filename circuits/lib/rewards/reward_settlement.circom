pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "../batch/state_root.circom";
include "../state/governance_params.circom";
include "./account_credit.circom";
include "./data_credits.circom";
include "./inference_ids.circom";
include "./leaf_opening.circom";
include "./model_debit.circom";
include "./payment_split.circom";
include "./reward_public_input.circom";
include "./score_lanes.circom";
include "./settle_record.circom";
include "./training_set.circom";

// A reward settlement (docs/protocol.md section 11): up to N inference records of one model
// settled (payment set to 0, the model's escrow lowered by their sum) and every unit of their
// payments credited, in this order, to the owners of the C contribution lanes, the model's
// owner, the base model's owner, the prover account and the treasury account. Accounts tree
// ACC_ARITY^ACC_DEPTH; registries of arity REG_ARITY and depths DEPTH_C (contributions),
// DEPTH_M (models), DEPTH_I (inferences); the model's training-set tree REG_ARITY^DEPTH_T.
// Writes in order: the inference records (lane 0 first) on the inferences tree, the model leaf,
// then the C + 4 account credits; the base model is opened in the models root after the
// model's update and the contributions in the unchanged contributions root.
template RewardSettlement(N, C, ACC_ARITY, ACC_DEPTH, REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_T) {
    signal output publicInput;

    signal input epoch;
    signal input proverAccount;
    signal input treasuryAccount;

    signal input accountsRoot;
    signal input contributionsRoot;
    signal input modelsRoot;
    signal input inferencesRoot;
    signal input datanetsRoot;
    signal input counters[5];
    signal input params[9];

    signal input endAccountsRoot;
    signal input endContributionsRoot;
    signal input endModelsRoot;
    signal input endInferencesRoot;
    signal input endDatanetsRoot;
    signal input endCounters[5];
    signal input endParamsHash;

    signal input model;
    signal input modelFields[7];
    signal input modelSiblings[DEPTH_M][REG_ARITY - 1];
    signal input trainingConfigHash;
    signal input contributionIds[C];
    signal input baseModelFields[7];
    signal input baseModelSiblings[DEPTH_M][REG_ARITY - 1];

    signal input inferenceIds[N];
    signal input records[N][6];
    signal input recordSiblings[N][DEPTH_I][REG_ARITY - 1];
    signal input scores[N][C];

    signal input contributionFields[C][8];
    signal input contributionSiblings[C][DEPTH_C][REG_ARITY - 1];

    signal input accountFields[C + 4][4];
    signal input accountSiblings[C + 4][ACC_DEPTH][ACC_ARITY - 1];

    // ---- the pre-state and the epoch's end state ----
    component paramsHash = GovernanceParams();
    paramsHash.params <== params;
    component preRoot = StateRoot();
    preRoot.accountsRoot <== accountsRoot;
    preRoot.contributionsRoot <== contributionsRoot;
    preRoot.modelsRoot <== modelsRoot;
    preRoot.inferencesRoot <== inferencesRoot;
    preRoot.datanetsRoot <== datanetsRoot;
    preRoot.counters <== counters;
    preRoot.paramsHash <== paramsHash.hash;
    component endRoot = StateRoot();
    endRoot.accountsRoot <== endAccountsRoot;
    endRoot.contributionsRoot <== endContributionsRoot;
    endRoot.modelsRoot <== endModelsRoot;
    endRoot.inferencesRoot <== endInferencesRoot;
    endRoot.datanetsRoot <== endDatanetsRoot;
    endRoot.counters <== endCounters;
    endRoot.paramsHash <== endParamsHash;

    // ---- lanes: the records settled and the model's training set ----
    component ids = InferenceIds(N);
    ids.ids <== inferenceIds;
    ids.lastInference <== endCounters[3];
    component training = TrainingSet(C, REG_ARITY, DEPTH_T);
    training.configHash <== trainingConfigHash;
    training.ids <== contributionIds;
    training.descriptor === modelFields[2];

    component baseZero = IsZero();
    baseZero.in <== modelFields[5];
    signal hasBase <== 1 - baseZero.out;

    // ---- per inference: its record settled, its payment split, its data credits ----
    component record[N];
    component split[N];
    component lanes[N];
    component data[N];
    signal inferencesAfter[N + 1];
    inferencesAfter[0] <== inferencesRoot;
    var paid = 0;
    var ownerTotal = 0;
    var baseTotal = 0;
    var proverTotal = 0;
    var treasuryTotal = 0;
    var dataTotal[C];
    for (var j = 0; j < C; j++) dataTotal[j] = 0;
    for (var i = 0; i < N; i++) {
        record[i] = SettleRecord(REG_ARITY, DEPTH_I);
        record[i].rootIn <== inferencesAfter[i];
        record[i].used <== ids.used[i];
        record[i].id <== inferenceIds[i];
        record[i].model <== model;
        record[i].record <== records[i];
        record[i].siblings <== recordSiblings[i];
        inferencesAfter[i + 1] <== record[i].rootOut;

        split[i] = PaymentSplit();
        split[i].payment <== record[i].payment;
        split[i].modelBps <== params[1];
        split[i].baseModelBps <== params[2];
        split[i].proverBps <== params[3];
        split[i].protocolBps <== params[4];
        split[i].hasBase <== hasBase;

        lanes[i] = ScoreLanes(C);
        lanes[i].used <== ids.used[i];
        lanes[i].lanes <== training.used;
        lanes[i].scores <== scores[i];
        data[i] = DataCredits(C);
        data[i].pool <== split[i].pool;
        data[i].scores <== scores[i];

        paid += record[i].payment;
        ownerTotal += split[i].owner;
        baseTotal += split[i].base;
        proverTotal += split[i].prover;
        treasuryTotal += split[i].protocol + data[i].dust;
        for (var j = 0; j < C; j++) dataTotal[j] += data[i].credits[j];
    }

    // ---- the model's escrow, then its base model in the updated models root ----
    component modelLeaf = ModelDebit(REG_ARITY, DEPTH_M);
    modelLeaf.rootIn <== modelsRoot;
    modelLeaf.model <== model;
    modelLeaf.fields <== modelFields;
    modelLeaf.total <== paid;
    modelLeaf.siblings <== modelSiblings;
    component baseLeaf = LeafOpening(7, REG_ARITY, DEPTH_M);
    baseLeaf.root <== modelLeaf.rootOut;
    baseLeaf.active <== hasBase;
    baseLeaf.index <== modelFields[5];
    baseLeaf.fields <== baseModelFields;
    baseLeaf.siblings <== baseModelSiblings;

    // ---- the contributions (their owners) in the unchanged contributions root ----
    component contribution[C];
    for (var j = 0; j < C; j++) {
        contribution[j] = LeafOpening(8, REG_ARITY, DEPTH_C);
        contribution[j].root <== contributionsRoot;
        contribution[j].active <== training.used[j];
        contribution[j].index <== contributionIds[j];
        contribution[j].fields <== contributionFields[j];
        contribution[j].siblings <== contributionSiblings[j];
    }

    // ---- the C + 4 credits, in order ----
    component credit[C + 4];
    signal accountsAfter[C + 5];
    accountsAfter[0] <== accountsRoot;
    for (var k = 0; k < C + 4; k++) {
        credit[k] = AccountCredit(ACC_ARITY, ACC_DEPTH);
        credit[k].rootIn <== accountsAfter[k];
        credit[k].fields <== accountFields[k];
        credit[k].siblings <== accountSiblings[k];
        if (k < C) {
            credit[k].active <== training.used[k];
            credit[k].index <== contributionFields[k][0];
            credit[k].amount <== dataTotal[k];
        } else if (k == C) {
            credit[k].active <== 1;
            credit[k].index <== modelFields[0];
            credit[k].amount <== ownerTotal;
        } else if (k == C + 1) {
            credit[k].active <== hasBase;
            credit[k].index <== baseModelFields[0];
            credit[k].amount <== baseTotal;
        } else if (k == C + 2) {
            credit[k].active <== 1;
            credit[k].index <== proverAccount;
            credit[k].amount <== proverTotal;
        } else {
            credit[k].active <== 1;
            credit[k].index <== treasuryAccount;
            credit[k].amount <== treasuryTotal;
        }
        accountsAfter[k + 1] <== credit[k].rootOut;
    }

    // ---- the post-state and the public input ----
    component postRoot = StateRoot();
    postRoot.accountsRoot <== accountsAfter[C + 4];
    postRoot.contributionsRoot <== contributionsRoot;
    postRoot.modelsRoot <== modelLeaf.rootOut;
    postRoot.inferencesRoot <== inferencesAfter[N];
    postRoot.datanetsRoot <== datanetsRoot;
    postRoot.counters <== counters;
    postRoot.paramsHash <== paramsHash.hash;

    component fold = RewardPublicInput(N, C);
    fold.epoch <== epoch;
    fold.model <== model;
    fold.preRoot <== preRoot.root;
    fold.postRoot <== postRoot.root;
    fold.endRoot <== endRoot.root;
    fold.ids <== inferenceIds;
    fold.scores <== scores;
    fold.proverAccount <== proverAccount;
    fold.treasuryAccount <== treasuryAccount;
    publicInput <== fold.out;
}
