/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_STEGO_KEY_H
#define INCLUDED_SEMSTEG_STEGO_KEY_H

/*!
 * \file stego_key.h
 * The shared secret of keyed hiding (torch-free; all cryptography is libsodium's).
 *
 * Everything but the key is public (Kerckhoffs): the networks, the code, the formats. Alice
 * and Bob share a 256-bit key, either as a key file written by `semsteg-keygen` or derived
 * from a passphrase with Argon2id. From the key and a per-image public nonce, a keyed
 * orthogonal transform (scramble_plan) mixes the secret latent before it is hidden, so that
 * Eve, who knows everything else, sees a vector that depends on a key she lacks.
 *
 * Key file format (one line of text, mode 0600):
 *
 *   semsteg-key-v1 <64 lowercase hex digits>\n
 *
 * Nothing here ever prints, logs or puts into an error message the key or the passphrase;
 * use fingerprint() to name a key in logs.
 */

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace semsteg {

//! Subkey ids (crypto_kdf) that separate what the key is used for: one stream never serves
//! two purposes. Values 2..255 are reserved for later uses; never reuse a value.
constexpr uint8_t key_purpose_scramble = 1; //!< the keyed orthogonal transform of the latent

//! Argon2id cost of from_passphrase(): `moderate` (the default; ~1 s, 256 MiB) for real use,
//! `interactive` (64 MiB) for tests. Alice and Bob must use the same cost.
enum class kdf_cost { moderate, interactive };

namespace detail {
class keystream_reader;
} // namespace detail

//! A 256-bit secret key. Copies are allowed; every copy wipes its bytes when destroyed.
class stego_key
{
public:
    static constexpr size_t size = 32; //!< bytes

    //! A fresh random key (libsodium's randombytes_buf).
    static stego_key generate();

    //! Creates PATH (mode 0600) holding a fresh random key, and fsyncs it. Refuses to
    //! overwrite an existing file: a key file is never silently replaced.
    static void write_new_key_file(const std::string& path);

    //! Reads a key file. Throws semsteg::error naming PATH for a missing, unreadable, too
    //! large (> 4 KiB) or malformed file. If group or others may read or write the file,
    //! calls `warn` (if given) with a message that suggests `chmod 600 PATH`, and carries on.
    static stego_key from_file(const std::string& path,
                               const std::function<void(const std::string&)>& warn = {});

    //! The key in a key file's content (`path` names it in messages); the same checks as
    //! from_file except the file's own (existence, type, permissions). For fuzzing and
    //! tests.
    static stego_key parse_key_file(const std::string& text, const std::string& path);

    //! Argon2id of the passphrase with a fixed public salt, so that Alice and Bob derive the
    //! same key from the same passphrase with nothing else shared. The passphrase must have
    //! at least 8 characters.
    static stego_key from_passphrase(const std::string& passphrase,
                                     kdf_cost cost = kdf_cost::moderate);

    //! A key from raw bytes (`size` must be 32), e.g. from a key store or a test.
    static stego_key from_bytes(const uint8_t* bytes, size_t size);

    stego_key(const stego_key&) = default;
    stego_key& operator=(const stego_key&) = default;
    ~stego_key();

    //! A public, non-secret identifier of the key (16 hex digits): the first 8 bytes of
    //! BLAKE2b("gr-semsteg key fingerprint v1" || key). Use it in logs instead of the key.
    std::string fingerprint() const;

    //! This key with bit `bit` (0 … 255) flipped: the near miss of an attacker (E4).
    stego_key with_bit_flipped(size_t bit) const;

    //! Constant-time comparison.
    bool operator==(const stego_key& other) const;
    bool operator!=(const stego_key& other) const { return !(*this == other); }

    //! `nbytes` of ChaCha20 keystream for (key, purpose, nonce): the stream runs under a
    //! per-purpose subkey (crypto_kdf, context "semsteg1", subkey id `purpose`) with the
    //! 8-byte little-endian nonce. Never use one (purpose, nonce) pair for two messages.
    std::vector<uint8_t> keystream(uint64_t nonce, size_t nbytes, uint8_t purpose) const;

private:
    stego_key() = default;
    //! The 32-byte subkey for `purpose`; the caller wipes it.
    void derive_subkey(uint8_t purpose, uint8_t* subkey) const;
    friend class detail::keystream_reader;

    std::array<uint8_t, size> bytes_ {};
};

//! The word that names the demo key where a key file is asked for (`--key-file demo`, a
//! block's key file "demo"). A file really called "demo" is "./demo".
constexpr const char* demo_key_name = "demo";

//! Where this machine's demo key lives: $SEMSTEG_DEMO_KEY if set, else
//! $XDG_CONFIG_HOME/semsteg/demo.key, else $HOME/.config/semsteg/demo.key.
std::string demo_key_path();

/*!
 * This machine's demo key, so that a loopback, the demo and the flowgraphs run with a keyed
 * INN out of the box: read from demo_key_path(), or made there on first use (a fresh random
 * key, mode 0600; a new folder is 0700; two processes making it at once end up with the
 * same key). It is a real random key, but one nobody chose to share: Alice and Bob on two
 * machines have different ones. `warn` (if given) is always told that the demo key is in use
 * (its path and fingerprint, never the key) and what to use for a real link.
 */
stego_key demo_key(const std::function<void(const std::string&)>& warn = {});

/*!
 * The key file a program runs with: `key_file` as given; or, when it was given no key at all
 * (`key_file` and `passphrase` both empty) for an INN that needs one (`inn_keyed`),
 * demo_key_name, so that the defaults run out of the box (load_key announces the demo key).
 * The one place this rule lives: the C++ and the Python programs both ask here.
 */
std::string
key_file_or_demo(const std::string& key_file, const std::string& passphrase, bool inn_keyed);

/*!
 * The key a program or block was given: from `key_file` (stego_key::from_file, `warn` as
 * there; demo_key_name: demo_key()) or from `passphrase` (Argon2id, moderate cost); none
 * when both are empty. Both at once is an error (which one would Bob use?).
 */
std::optional<stego_key> load_key(const std::string& key_file,
                                  const std::string& passphrase,
                                  const std::function<void(const std::string&)>& warn = {});

//! 64-bit per-image nonces, never repeated within one process run under one source: the
//! first is a random 64-bit value (randombytes), each next one is the previous plus one.
//! After 2^64 draws next() throws rather than wrap. Across runs (or across sources), two
//! nonces collide only if two random 64-bit starts land within the counts drawn of each
//! other: about (draws per run)^2 * runs^2 / 2^64, negligible. Thread-safe.
class nonce_source
{
public:
    nonce_source();
    nonce_source(const nonce_source&) = delete;
    nonce_source& operator=(const nonce_source&) = delete;

    uint64_t next();

private:
    std::mutex mutex_; // a plain lock: the wrap check and the increment must be one step
    uint64_t start_;
    uint64_t issued_ = 0; //!< how many nonces next() has returned, modulo 2^64
    bool exhausted_ = false; //!< all 2^64 values have been returned
};

//! A keyed pseudo-random orthogonal transform of a real vector of length n (a power of
//! two). Each round multiplies by random signs, permutes, then applies the orthonormal fast
//! Walsh-Hadamard transform (scale 1/sqrt(n), its own inverse). Signs and permutations come
//! from keystream(nonce, ..., key_purpose_scramble); the torch side applies the same plan.
struct scramble_plan {
    size_t n = 0;
    std::vector<std::vector<float>> signs; //!< [rounds][n], each +1 or -1
    std::vector<std::vector<int64_t>> permutation; //!< [rounds][n], out[i] = in[perm[i]]
};

/*!
 * Draws the plan for (key, nonce). The keystream is read in this order, round by round:
 * ceil(n/8) bytes of sign bits (bit i%8 of byte i/8 set means sign -1), then a Fisher-Yates
 * shuffle of the identity (for i = n-1 down to 1, swap entries i and j, j uniform in
 * [0, i]), each j drawn without bias from 32-bit little-endian keystream words w: words
 * with w < 2^32 mod (i+1) are rejected (the next word is read), then j = w mod (i+1).
 * Throws semsteg::error if n is not a power of two, n < 2, n > 2^31, or rounds < 1.
 */
scramble_plan
make_scramble_plan(const stego_key& key, uint64_t nonce, size_t n, int rounds = 3);

//! Applies the plan to data[0..n) in place: per round, x *= signs; x = x[perm]; x = H x.
//! Computed in double precision (this is the reference for the torch implementation).
void scramble(const scramble_plan& plan, float* data);

//! The exact inverse of scramble(): rounds in reverse, each H x, un-permute, times signs.
void unscramble(const scramble_plan& plan, float* data);

//! The orthonormal fast Walsh-Hadamard transform of data[0..n) in place (n a power of
//! two); applying it twice gives the input back.
void fwht_normalized(float* data, size_t n);

} // namespace semsteg

#endif
