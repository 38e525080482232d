pragma circom 2.1.0;

// Bit `id` set for every license id of the table in protocol/licenses.ts (KNOWN_LICENSE_MASK,
// ids 1 to 10): the only bits a Datanet's license policy may set. A test compares the two.
function knownLicenseMask() {
    return 2046;
}
