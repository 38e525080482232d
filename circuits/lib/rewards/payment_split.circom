pragma circom 2.1.0;

include "./bps_share.circom";

// The split of one payment (docs/protocol.md section 11.2): prover, protocol and model shares
// in basis points, the base model's share of the model portion when the model has a base
// (hasBase, boolean), the owner the rest of the model portion and the data pool the rest of
// the payment (the bps dust). The five parts add up to the payment by construction; they are
// non-negative because the state's shares sum to 10000 and baseModelBps <= 10000 (ParamChange).
template PaymentSplit() {
    signal input payment;
    signal input proverBps;
    signal input protocolBps;
    signal input modelBps;
    signal input baseModelBps;
    signal input hasBase;
    signal output prover;
    signal output protocol;
    signal output owner;
    signal output base;
    signal output pool;

    component proverShare = BpsShare();
    proverShare.amount <== payment;
    proverShare.bps <== proverBps;
    component protocolShare = BpsShare();
    protocolShare.amount <== payment;
    protocolShare.bps <== protocolBps;
    component modelShare = BpsShare();
    modelShare.amount <== payment;
    modelShare.bps <== modelBps;
    component baseShare = BpsShare();
    baseShare.amount <== modelShare.out;
    baseShare.bps <== baseModelBps;

    prover <== proverShare.out;
    protocol <== protocolShare.out;
    base <== hasBase * baseShare.out;
    owner <== modelShare.out - base;
    pool <== payment - prover - protocol - modelShare.out;
}
