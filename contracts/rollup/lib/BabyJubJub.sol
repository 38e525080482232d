// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The checks an L2 account key must pass before L1 queues it (docs/protocol.md
/// section 8): a point of BabyJubJub, a x^2 + y^2 = 1 + d x^2 y^2 over the BN254 scalar field
/// (a = 168700, d = 168696), that is not of small order.
library BabyJubJub {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;

    /// @dev True when (x, y) is on the curve and 8·(x, y) is not the identity. Coordinates
    /// must already be below P. A point of order 1, 2, 4 or 8 (the identity (0, 1) among
    /// them) is refused: the signature check multiplies the key by the cofactor 8, so every
    /// signature would verify under such a key and anyone could spend the account.
    function isAccountKey(uint256 x, uint256 y) internal pure returns (bool) {
        uint256 x2 = mulmod(x, x, P);
        uint256 y2 = mulmod(y, y, P);
        uint256 lhs = addmod(mulmod(A, x2, P), y2, P);
        uint256 rhs = addmod(1, mulmod(D, mulmod(x2, y2, P), P), P);
        if (lhs != rhs) return false;
        // Three doublings in projective coordinates (X : Y : Z); the doubling formula is
        // complete on this curve (a a square, d not), so Z never becomes 0.
        (uint256 px, uint256 py, uint256 pz) = (x, y, 1);
        for (uint256 i; i < 3; ++i) (px, py, pz) = _double(px, py, pz);
        // The identity is (0 : Z : Z).
        return px != 0 || py != pz;
    }

    /// @dev dbl-2008-bbjlp (Bernstein, Birkner, Joye, Lange, Peters): 3M + 4S + 1D.
    function _double(uint256 x, uint256 y, uint256 z) private pure returns (uint256, uint256, uint256) {
        uint256 b = mulmod(addmod(x, y, P), addmod(x, y, P), P);
        uint256 c = mulmod(x, x, P);
        uint256 d = mulmod(y, y, P);
        uint256 e = mulmod(A, c, P);
        uint256 f = addmod(e, d, P);
        uint256 h = mulmod(z, z, P);
        uint256 j = addmod(f, P - mulmod(2, h, P), P);
        uint256 x3 = mulmod(addmod(b, P - addmod(c, d, P), P), j, P);
        uint256 y3 = mulmod(f, addmod(e, P - d, P), P);
        uint256 z3 = mulmod(f, j, P);
        return (x3, y3, z3);
    }
}
