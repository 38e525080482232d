pragma circom 2.1.0;

include "../hashers/poseidon_list.circom";
include "./lane_rows.circom";
include "./row_score.circom";

// The gradient method's scores of N inferences for C contribution lanes of up to R rows each
// (docs/attribution.md §6): each lane's checkpoint leaf from its rows' factors (K class
// factors, E = embedding + 1 input factors), each inference's feature commitment
// PoseidonList(testR ‖ testX), and payable[i][j] = Σ_k max(0, floor(s_ijk / 2^32)) over the
// lane's active rows. Cost per row per inference: K + E + 88 constraints.
template RowScores(N, C, R, K, E) {
    signal input ids[C];
    signal input active[C][R];
    signal input rowR[C][R][K];
    signal input rowX[C][R][E];
    signal input testR[N][K];
    signal input testX[N][E];
    signal output leaves[C];
    signal output featureCommitments[N];
    signal output payable[N][C];

    component lane[C];
    for (var j = 0; j < C; j++) {
        lane[j] = LaneRows(R, K, E);
        lane[j].id <== ids[j];
        lane[j].active <== active[j];
        lane[j].rowR <== rowR[j];
        lane[j].rowX <== rowX[j];
        leaves[j] <== lane[j].leaf;
    }

    component feature[N];
    component row[N][C][R];
    for (var i = 0; i < N; i++) {
        feature[i] = PoseidonList(K + E);
        for (var a = 0; a < K; a++) feature[i].items[a] <== testR[i][a];
        for (var e = 0; e < E; e++) feature[i].items[K + e] <== testX[i][e];
        featureCommitments[i] <== feature[i].out;
        for (var j = 0; j < C; j++) {
            var sum = 0;
            for (var k = 0; k < R; k++) {
                row[i][j][k] = RowScore(K, E);
                row[i][j][k].active <== active[j][k];
                row[i][j][k].testR <== testR[i];
                row[i][j][k].testX <== testX[i];
                row[i][j][k].rowR <== rowR[j][k];
                row[i][j][k].rowX <== rowX[j][k];
                sum += row[i][j][k].out;
            }
            payable[i][j] <== sum;
        }
    }
}
