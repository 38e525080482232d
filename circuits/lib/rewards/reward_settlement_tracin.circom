pragma circom 2.1.0;

include "circomlib/circuits/comparators.circom";
include "./reward_settlement.circom";
include "./row_scores.circom";
include "./training_set_root.circom";

// A reward settlement valued by the gradient method (docs/protocol.md section 11,
// docs/attribution.md §6): RewardSettlement whose scores are no longer free but RowScores'
// payable sums, from row factors that open the model leaf's checkpoint commitment (the
// training-set-shaped tree of the C lane leaves) and test factors that open each settled
// record's feature commitment. R row slots per lane, K classes, E = embedding width + 1.
template RewardSettlementTracin(N, C, R, K, E, ACC_ARITY, ACC_DEPTH, REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_T) {
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

    signal input contributionFields[C][8];
    signal input contributionSiblings[C][DEPTH_C][REG_ARITY - 1];

    signal input accountFields[C + 4][4];
    signal input accountSiblings[C + 4][ACC_DEPTH][ACC_ARITY - 1];

    signal input rowActive[C][R];
    signal input rowR[C][R][K];
    signal input rowX[C][R][E];
    signal input testR[N][K];
    signal input testX[N][E];

    component scores = RowScores(N, C, R, K, E);
    scores.ids <== contributionIds;
    scores.active <== rowActive;
    scores.rowR <== rowR;
    scores.rowX <== rowX;
    scores.testR <== testR;
    scores.testX <== testX;

    // The checkpoint commitment is field 3 of the model leaf (docs/protocol.md section 6).
    component checkpoint = TrainingSetRoot(C, REG_ARITY, DEPTH_T);
    checkpoint.ids <== scores.leaves;
    checkpoint.root === modelFields[3];

    // A settled record (payment != 0, SettleRecord) carries its feature commitment in field 4;
    // an unused lane's record is zeros and its scores are 0 (ScoreLanes).
    component unsettled[N];
    for (var i = 0; i < N; i++) {
        unsettled[i] = IsZero();
        unsettled[i].in <== records[i][5];
        (1 - unsettled[i].out) * (scores.featureCommitments[i] - records[i][4]) === 0;
    }

    component settle = RewardSettlement(N, C, ACC_ARITY, ACC_DEPTH, REG_ARITY, DEPTH_C, DEPTH_M, DEPTH_I, DEPTH_T);
    settle.epoch <== epoch;
    settle.proverAccount <== proverAccount;
    settle.treasuryAccount <== treasuryAccount;
    settle.accountsRoot <== accountsRoot;
    settle.contributionsRoot <== contributionsRoot;
    settle.modelsRoot <== modelsRoot;
    settle.inferencesRoot <== inferencesRoot;
    settle.datanetsRoot <== datanetsRoot;
    settle.counters <== counters;
    settle.params <== params;
    settle.endAccountsRoot <== endAccountsRoot;
    settle.endContributionsRoot <== endContributionsRoot;
    settle.endModelsRoot <== endModelsRoot;
    settle.endInferencesRoot <== endInferencesRoot;
    settle.endDatanetsRoot <== endDatanetsRoot;
    settle.endCounters <== endCounters;
    settle.endParamsHash <== endParamsHash;
    settle.model <== model;
    settle.modelFields <== modelFields;
    settle.modelSiblings <== modelSiblings;
    settle.trainingConfigHash <== trainingConfigHash;
    settle.contributionIds <== contributionIds;
    settle.baseModelFields <== baseModelFields;
    settle.baseModelSiblings <== baseModelSiblings;
    settle.inferenceIds <== inferenceIds;
    settle.records <== records;
    settle.recordSiblings <== recordSiblings;
    settle.scores <== scores.payable;
    settle.contributionFields <== contributionFields;
    settle.contributionSiblings <== contributionSiblings;
    settle.accountFields <== accountFields;
    settle.accountSiblings <== accountSiblings;
    publicInput <== settle.publicInput;
}
