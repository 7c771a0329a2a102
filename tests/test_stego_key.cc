/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/stego_key.h>

#include "test_util.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sys/stat.h>
#include <thread>
#include <unordered_set>

namespace fs = std::filesystem;
using namespace semsteg;
using test::error_of;

namespace {

fs::path temp_path(const std::string& name)
{
    return test::temp_path("test_stego_key", name);
}

// A fresh path: removes what an earlier run of the same test left behind.
fs::path fresh_path(const std::string& name)
{
    auto p = temp_path(name);
    fs::remove(p);
    return p;
}

std::string read_text(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

void write_text(const fs::path& p, const std::string& text)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
}

// The 64 hex digits of a key file written by write_new_key_file.
std::string key_hex_of(const fs::path& p)
{
    const auto text = read_text(p);
    EXPECT_EQ(text.size(), 15u + 64u + 1u);
    return text.substr(15, 64);
}

// True if any 8 consecutive hex digits of the key appear in `text`.
bool leaks_key(const std::string& text, const std::string& hex)
{
    for (size_t i = 0; i + 8 <= hex.size(); ++i)
        if (text.find(hex.substr(i, 8)) != std::string::npos)
            return true;
    return false;
}

stego_key key_from_seed(uint8_t seed)
{
    std::array<uint8_t, 32> b {};
    for (size_t i = 0; i < b.size(); ++i)
        b[i] = static_cast<uint8_t>(seed * 31 + i * 7 + 1);
    return stego_key::from_bytes(b.data(), b.size());
}

std::vector<float> test_vector(size_t n, unsigned seed)
{
    // Smooth plus noise, like a latent: the scramble must decorrelate structured input too.
    std::mt19937 rng(seed);
    std::normal_distribution<float> nd;
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i)
        v[i] = std::sin(0.01f * static_cast<float>(i)) + 0.3f * nd(rng);
    return v;
}

double dot(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i)
        s += double(a[i]) * b[i];
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------
// Key files

TEST(stego_key_file, round_trip)
{
    const auto p = fresh_path("round_trip.key");
    stego_key::write_new_key_file(p.string());
    const auto text = read_text(p);
    ASSERT_EQ(text.size(), 80u);
    EXPECT_EQ(text.substr(0, 15), "semsteg-key-v1 ");
    EXPECT_EQ(text.back(), '\n');
    for (char c : key_hex_of(p))
        EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;

    bool warned = false;
    const auto a
        = stego_key::from_file(p.string(), [&](const std::string&) { warned = true; });
    const auto b = stego_key::from_file(p.string());
    EXPECT_EQ(a, b);
    EXPECT_FALSE(warned);

    // A second file holds a different key.
    const auto q = fresh_path("round_trip2.key");
    stego_key::write_new_key_file(q.string());
    EXPECT_NE(stego_key::from_file(q.string()), a);
}

TEST(stego_key_file, mode_is_0600)
{
    const auto old_mask = ::umask(0); // even with a permissive umask
    const auto p = fresh_path("mode.key");
    stego_key::write_new_key_file(p.string());
    ::umask(old_mask);
    struct stat st;
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST(stego_key_file, refuses_to_overwrite)
{
    const auto p = fresh_path("keep.key");
    stego_key::write_new_key_file(p.string());
    const auto before = read_text(p);
    const auto msg = error_of([&] { stego_key::write_new_key_file(p.string()); });
    EXPECT_NE(msg.find(p.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("already exists"), std::string::npos) << msg;
    EXPECT_EQ(read_text(p), before);

    // Nor over any other file.
    const auto q = fresh_path("other.txt");
    write_text(q, "precious");
    EXPECT_NE(error_of([&] { stego_key::write_new_key_file(q.string()); }), "");
    EXPECT_EQ(read_text(q), "precious");
}

TEST(stego_key_file, bad_files_give_clear_errors)
{
    const auto good = fresh_path("good.key");
    stego_key::write_new_key_file(good.string());
    const auto hex = key_hex_of(good);
    const std::string header = "semsteg-key-v1 ";

    struct bad_case {
        std::string name, content, expected;
    };
    std::string nonhex = hex;
    nonhex[10] = 'g';
    const std::vector<bad_case> cases {
        { "empty", "", "empty" },
        { "wrong_header", "semsteg-key-v2 " + hex + "\n", "does not start with" },
        { "no_header", hex + "\n", "does not start with" },
        { "short", header + hex.substr(0, 63) + "\n", "has 63 hex digits, expected 64" },
        { "long", header + hex + "0\n", "has 65 hex digits, expected 64" },
        { "nonhex", header + nonhex + "\n", "non-hex character at position 11" },
        { "trailing", header + hex + "\nextra\n", "trailing data" },
        { "trailing_word", header + hex + " extra\n", "trailing data" },
        { "huge", header + hex + "\n" + std::string(5000, '#'), "too large" },
    };
    for (const auto& c : cases) {
        const auto p = fresh_path("bad_" + c.name + ".key");
        write_text(p, c.content);
        const auto msg = error_of([&] { stego_key::from_file(p.string()); });
        EXPECT_NE(msg.find(c.expected), std::string::npos) << c.name << ": " << msg;
        EXPECT_NE(msg.find(p.string()), std::string::npos) << c.name << ": " << msg;
        EXPECT_FALSE(leaks_key(msg, hex)) << c.name << ": " << msg;
    }

    const auto missing = fresh_path("missing.key");
    const auto msg = error_of([&] { stego_key::from_file(missing.string()); });
    EXPECT_NE(msg.find(missing.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot open"), std::string::npos) << msg;

    const auto dir = temp_path("a_folder.key");
    fs::create_directories(dir);
    EXPECT_NE(
        error_of([&] { stego_key::from_file(dir.string()); }).find("not a regular file"),
        std::string::npos);
}

TEST(stego_key_file, readable_by_others_warns)
{
    const auto p = fresh_path("open.key");
    stego_key::write_new_key_file(p.string());
    const auto hex = key_hex_of(p);
    ASSERT_EQ(::chmod(p.c_str(), 0644), 0);
    std::vector<std::string> warnings;
    const auto key = stego_key::from_file(
        p.string(), [&](const std::string& w) { warnings.push_back(w); });
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("chmod 600"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(p.string()), std::string::npos) << warnings[0];
    EXPECT_FALSE(leaks_key(warnings[0], hex));
    EXPECT_EQ(key, stego_key::from_file(p.string())); // a warning, not a failure

    ASSERT_EQ(::chmod(p.c_str(), 0620), 0); // group-writable counts too
    warnings.clear();
    stego_key::from_file(p.string(), [&](const std::string& w) { warnings.push_back(w); });
    EXPECT_EQ(warnings.size(), 1u);
}

// Sets an environment variable for one test and puts back what was there.
struct scoped_env {
    std::string name;
    std::optional<std::string> old;
    scoped_env(const std::string& n, const std::optional<std::string>& value) : name(n)
    {
        if (const char* v = std::getenv(n.c_str()))
            old = v;
        if (value)
            ::setenv(n.c_str(), value->c_str(), 1);
        else
            ::unsetenv(n.c_str());
    }
    ~scoped_env()
    {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

TEST(stego_key_demo, only_a_keyed_inn_given_no_key_at_all_runs_on_the_demo_key)
{
    EXPECT_EQ(key_file_or_demo("", "", true), demo_key_name);
    EXPECT_EQ(key_file_or_demo("", "", false), ""); // a keyless INN needs none
    EXPECT_EQ(key_file_or_demo("link.key", "", true), "link.key"); // a key given wins
    EXPECT_EQ(key_file_or_demo("", "a passphrase", true), ""); // so does a passphrase
    EXPECT_EQ(key_file_or_demo("link.key", "", false), "link.key");
}

TEST(stego_key_demo, made_once_mode_0600_then_reused_and_always_announced)
{
    const auto dir = temp_path("demo_home");
    fs::remove_all(dir);
    scoped_env no_override("SEMSTEG_DEMO_KEY", std::nullopt);
    scoped_env xdg("XDG_CONFIG_HOME", dir.string());
    const auto path = dir / "semsteg" / "demo.key";
    EXPECT_EQ(demo_key_path(), path.string());

    std::vector<std::string> warnings;
    const auto warn = [&](const std::string& w) { warnings.push_back(w); };
    const auto first = demo_key(warn);
    ASSERT_TRUE(fs::exists(path));
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("demo key"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(path.string()), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find(first.fingerprint()), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("semsteg-keygen"), std::string::npos) << warnings[0];
    EXPECT_FALSE(leaks_key(warnings[0], key_hex_of(path)));

    // Used again: the same key, not a new one; through load_key by its name too.
    EXPECT_EQ(demo_key(warn), first);
    EXPECT_EQ(load_key(demo_key_name, "", warn).value(), first);
    EXPECT_EQ(warnings.size(), 3u);
    EXPECT_EQ(stego_key::from_file(path.string()), first);
    // Nothing but the key file is left in its folder (the private name is gone).
    EXPECT_EQ(
        std::distance(fs::directory_iterator(path.parent_path()), fs::directory_iterator()),
        1);

    // SEMSTEG_DEMO_KEY overrides the place; HOME is the last resort.
    scoped_env override("SEMSTEG_DEMO_KEY", (dir / "elsewhere.key").string());
    EXPECT_EQ(demo_key_path(), (dir / "elsewhere.key").string());
    EXPECT_NE(demo_key(), first);
}

TEST(stego_key_demo, processes_making_it_at_once_share_one_key)
{
    const auto path = fresh_path("race_demo.key");
    scoped_env place("SEMSTEG_DEMO_KEY", path.string());
    std::vector<std::optional<stego_key>> keys(8);
    std::vector<std::thread> threads;
    for (auto& k : keys)
        threads.emplace_back([&k] { k = demo_key(); });
    for (auto& t : threads)
        t.join();
    for (const auto& k : keys)
        EXPECT_EQ(k.value(), keys[0].value());
}

TEST(stego_key_demo, no_place_is_a_clear_error)
{
    scoped_env a("SEMSTEG_DEMO_KEY", std::nullopt), b("XDG_CONFIG_HOME", std::nullopt),
        c("HOME", std::nullopt);
    const auto msg = error_of([] { demo_key(); });
    EXPECT_NE(msg.find("SEMSTEG_DEMO_KEY"), std::string::npos) << msg;
}

// ---------------------------------------------------------------------------------------
// Passphrases, fingerprints, keystreams

TEST(stego_key_passphrase, same_passphrase_same_key)
{
    const auto a = stego_key::from_passphrase("correct horse battery", kdf_cost::interactive);
    const auto b = stego_key::from_passphrase("correct horse battery", kdf_cost::interactive);
    const auto c = stego_key::from_passphrase("correct horse batterz", kdf_cost::interactive);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(a.fingerprint(), b.fingerprint());
    EXPECT_NE(a.fingerprint(), c.fingerprint());
    // The cost is part of the derivation: both ends must use the same one.
    EXPECT_NE(a, stego_key::from_passphrase("correct horse battery"));
}

TEST(stego_key_passphrase, empty_and_short_are_errors)
{
    const auto empty
        = error_of([] { stego_key::from_passphrase("", kdf_cost::interactive); });
    EXPECT_NE(empty.find("empty"), std::string::npos) << empty;
    const auto short_msg
        = error_of([] { stego_key::from_passphrase("1234567", kdf_cost::interactive); });
    EXPECT_NE(short_msg.find("shorter than 8"), std::string::npos) << short_msg;
    EXPECT_EQ(short_msg.find("1234567"), std::string::npos) << short_msg;
    // Characters, not bytes: seven 2-byte characters are still too short.
    EXPECT_NE(error_of([] {
                  stego_key::from_passphrase("ééééééé", kdf_cost::interactive);
              }).find("shorter than 8"),
              std::string::npos);
    EXPECT_EQ(error_of([] { stego_key::from_passphrase("12345678", kdf_cost::interactive); }),
              "");
}

TEST(stego_key_fingerprint, stable_distinct_and_not_the_key)
{
    const auto p = fresh_path("fp.key");
    stego_key::write_new_key_file(p.string());
    const auto hex = key_hex_of(p);
    const auto a = stego_key::from_file(p.string());
    const auto fp = a.fingerprint();
    ASSERT_EQ(fp.size(), 16u);
    for (char c : fp)
        EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << c;
    EXPECT_EQ(fp, stego_key::from_file(p.string()).fingerprint());
    EXPECT_EQ(fp, stego_key(a).fingerprint());
    EXPECT_FALSE(leaks_key(fp, hex));
    EXPECT_NE(fp, stego_key::generate().fingerprint());
    EXPECT_NE(key_from_seed(1).fingerprint(), key_from_seed(2).fingerprint());
}

TEST(stego_key_keystream, deterministic_and_separated)
{
    const auto k1 = key_from_seed(1);
    const auto k2 = key_from_seed(2);
    const auto s = k1.keystream(42, 256, key_purpose_scramble);
    ASSERT_EQ(s.size(), 256u);
    EXPECT_EQ(s, k1.keystream(42, 256, key_purpose_scramble));
    EXPECT_NE(s, k2.keystream(42, 256, key_purpose_scramble)); // key
    EXPECT_NE(s, k1.keystream(43, 256, key_purpose_scramble)); // nonce
    EXPECT_NE(s, k1.keystream(42, 256, key_purpose_scramble + 1)); // purpose
    EXPECT_NE(s, k1.keystream(42ull << 32, 256, key_purpose_scramble)); // high nonce bytes
    // A shorter request is a prefix of a longer one.
    const auto s_long = k1.keystream(42, 1000, key_purpose_scramble);
    EXPECT_TRUE(std::equal(s.begin(), s.end(), s_long.begin()));
    EXPECT_TRUE(k1.keystream(42, 0, key_purpose_scramble).empty());
    // Not all zero, roughly balanced bits.
    size_t ones = 0;
    for (auto b : s_long)
        ones += static_cast<size_t>(__builtin_popcount(b));
    EXPECT_GT(ones, 3600u);
    EXPECT_LT(ones, 4400u);
}

TEST(stego_key_keystream, from_bytes_checks_size)
{
    const std::vector<uint8_t> b(31, 1);
    EXPECT_NE(error_of([&] { stego_key::from_bytes(b.data(), b.size()); }), "");
    EXPECT_EQ(key_from_seed(3), key_from_seed(3));
    EXPECT_NE(key_from_seed(3), key_from_seed(4));
}

// ---------------------------------------------------------------------------------------
// Nonces

TEST(stego_key_nonce, never_repeats)
{
    nonce_source src;
    std::unordered_set<uint64_t> seen;
    for (int i = 0; i < 100000; ++i)
        EXPECT_TRUE(seen.insert(src.next()).second) << "repeat at draw " << i;
    EXPECT_EQ(seen.size(), 100000u);
    // Two sources start at independent random points.
    nonce_source other;
    EXPECT_NE(other.next(), src.next());
}

TEST(stego_key_nonce, never_repeats_across_threads)
{
    nonce_source src;
    constexpr int threads = 4, per_thread = 25000;
    std::vector<std::vector<uint64_t>> drawn(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            drawn[t].reserve(per_thread);
            for (int i = 0; i < per_thread; ++i)
                drawn[t].push_back(src.next());
        });
    for (auto& th : pool)
        th.join();
    std::unordered_set<uint64_t> seen;
    for (const auto& d : drawn)
        for (auto v : d)
            EXPECT_TRUE(seen.insert(v).second);
    EXPECT_EQ(seen.size(), size_t(threads) * per_thread);
}

// ---------------------------------------------------------------------------------------
// Scrambling plan

TEST(stego_key_scramble, plan_is_signs_and_permutations)
{
    const size_t n = 2048;
    const auto plan = make_scramble_plan(key_from_seed(1), 7, n);
    EXPECT_EQ(plan.n, n);
    ASSERT_EQ(plan.signs.size(), 3u);
    ASSERT_EQ(plan.permutation.size(), 3u);
    for (size_t r = 0; r < 3; ++r) {
        ASSERT_EQ(plan.signs[r].size(), n);
        size_t minus = 0;
        for (float s : plan.signs[r]) {
            EXPECT_TRUE(s == 1.0f || s == -1.0f) << s;
            minus += s < 0;
        }
        EXPECT_GT(minus, n / 2 - 150);
        EXPECT_LT(minus, n / 2 + 150);
        ASSERT_EQ(plan.permutation[r].size(), n);
        std::vector<bool> hit(n, false);
        size_t fixed = 0;
        for (size_t i = 0; i < n; ++i) {
            const auto p = plan.permutation[r][i];
            ASSERT_GE(p, 0);
            ASSERT_LT(p, static_cast<int64_t>(n));
            EXPECT_FALSE(hit[static_cast<size_t>(p)]);
            hit[static_cast<size_t>(p)] = true;
            fixed += static_cast<size_t>(p) == i;
        }
        EXPECT_LT(fixed, 10u); // a random permutation has ~1 fixed point
    }
    // Rounds differ from each other.
    EXPECT_NE(plan.permutation[0], plan.permutation[1]);
    EXPECT_NE(plan.signs[0], plan.signs[1]);
    EXPECT_EQ(make_scramble_plan(key_from_seed(1), 7, 16, 5).signs.size(), 5u);
}

// The plan is exactly the documented draw from keystream(nonce, ..., key_purpose_scramble),
// across the reader's buffer refills: another implementation can reproduce it.
TEST(stego_key_scramble, plan_follows_the_documented_keystream_draw)
{
    const size_t n = 2048;
    const int rounds = 3;
    const auto key = key_from_seed(6);
    const uint64_t nonce = 0x0123456789abcdefull;
    const auto plan = make_scramble_plan(key, nonce, n, rounds);
    const auto ks = key.keystream(nonce, 1 << 16, key_purpose_scramble);
    size_t pos = 0;
    const auto u32 = [&] {
        uint32_t v = 0;
        for (int b = 0; b < 4; ++b)
            v |= uint32_t(ks.at(pos++)) << (8 * b);
        return v;
    };
    for (int r = 0; r < rounds; ++r) {
        std::vector<float> signs(n);
        for (size_t i = 0; i < n; ++i)
            signs[i] = (ks.at(pos + i / 8) >> (i % 8)) & 1 ? -1.0f : 1.0f;
        pos += n / 8;
        EXPECT_EQ(plan.signs[size_t(r)], signs) << r;
        std::vector<int64_t> perm(n);
        for (size_t i = 0; i < n; ++i)
            perm[i] = int64_t(i);
        for (size_t i = n - 1; i > 0; --i) {
            const uint32_t bound = uint32_t(i + 1);
            const uint32_t reject_below = uint32_t(-bound) % bound;
            uint32_t v;
            do
                v = u32();
            while (v < reject_below);
            std::swap(perm[i], perm[v % bound]);
        }
        EXPECT_EQ(plan.permutation[size_t(r)], perm) << r;
    }
    EXPECT_GT(pos, size_t(4096)); // the check did cross a refill of the reader's buffer
}

TEST(stego_key_scramble, plan_depends_on_key_nonce_and_every_key_bit)
{
    const size_t n = 2048;
    const auto base = make_scramble_plan(key_from_seed(1), 7, n);
    const auto again = make_scramble_plan(key_from_seed(1), 7, n);
    EXPECT_EQ(base.permutation, again.permutation);
    EXPECT_EQ(base.signs, again.signs);

    const auto other_key = make_scramble_plan(key_from_seed(2), 7, n);
    const auto other_nonce = make_scramble_plan(key_from_seed(1), 8, n);
    EXPECT_NE(base.permutation[0], other_key.permutation[0]);
    EXPECT_NE(base.signs[0], other_key.signs[0]);
    EXPECT_NE(base.permutation[0], other_nonce.permutation[0]);
    EXPECT_NE(base.signs[0], other_nonce.signs[0]);

    // One flipped key bit (first and last byte) gives a different plan.
    for (size_t byte : { size_t(0), size_t(31) }) {
        std::array<uint8_t, 32> b {};
        for (size_t i = 0; i < b.size(); ++i)
            b[i] = static_cast<uint8_t>(1 * 31 + i * 7 + 1); // key_from_seed(1)
        ASSERT_EQ(stego_key::from_bytes(b.data(), b.size()), key_from_seed(1));
        b[byte] ^= 0x01;
        const auto flipped
            = make_scramble_plan(stego_key::from_bytes(b.data(), b.size()), 7, n);
        EXPECT_NE(base.permutation[0], flipped.permutation[0]) << byte;
        EXPECT_NE(base.signs[0], flipped.signs[0]) << byte;
    }
}

TEST(stego_key_scramble, bad_arguments)
{
    const auto k = key_from_seed(1);
    for (size_t n : { size_t(0), size_t(1), size_t(3), size_t(2047), size_t(3000) })
        EXPECT_NE(error_of([&] { make_scramble_plan(k, 0, n); }).find("power of two"),
                  std::string::npos)
            << n;
    EXPECT_NE(error_of([&] { make_scramble_plan(k, 0, 16, 0); }).find("rounds"),
              std::string::npos);
    EXPECT_EQ(error_of([&] { make_scramble_plan(k, 0, 2, 1); }), "");

    // A malformed plan is refused rather than read out of bounds.
    auto plan = make_scramble_plan(k, 0, 16);
    plan.permutation[1][3] = 16;
    std::vector<float> v(16, 1.0f);
    EXPECT_NE(error_of([&] { scramble(plan, v.data()); }), "");
    plan = make_scramble_plan(k, 0, 16);
    plan.signs.pop_back();
    EXPECT_NE(error_of([&] { unscramble(plan, v.data()); }), "");
}

TEST(stego_key_scramble, unscramble_inverts_and_norm_is_kept)
{
    for (size_t n : { size_t(2), size_t(64), size_t(2048) }) {
        for (int rounds : { 1, 3 }) {
            const auto plan = make_scramble_plan(key_from_seed(5), 123, n, rounds);
            const auto x = test_vector(n, 9);
            auto y = x;
            scramble(plan, y.data());
            EXPECT_NEAR(std::sqrt(dot(y, y)) / std::sqrt(dot(x, x)), 1.0, 1e-4)
                << n << " " << rounds;
            if (n >= 64) {
                EXPECT_LT(dot(x, y) / dot(x, x), 0.5); // it did change the vector
            }
            unscramble(plan, y.data());
            for (size_t i = 0; i < n; ++i)
                ASSERT_NEAR(y[i], x[i], 1e-5) << n << " " << rounds << " at " << i;
        }
    }
}

TEST(stego_key_scramble, different_keys_decorrelate)
{
    const size_t n = 2048; // 8 x 16 x 16, a latent
    const auto x = test_vector(n, 3);
    auto a = x, b = x, c = x;
    scramble(make_scramble_plan(key_from_seed(1), 99, n), a.data());
    scramble(make_scramble_plan(key_from_seed(2), 99, n), b.data());
    scramble(make_scramble_plan(key_from_seed(1), 100, n), c.data());
    const double cos_ab = dot(a, b) / std::sqrt(dot(a, a) * dot(b, b));
    const double cos_ac = dot(a, c) / std::sqrt(dot(a, a) * dot(c, c));
    const double cos_xa = dot(x, a) / std::sqrt(dot(x, x) * dot(a, a));
    EXPECT_LT(std::abs(cos_ab), 0.1) << cos_ab;
    EXPECT_LT(std::abs(cos_ac), 0.1) << cos_ac;
    EXPECT_LT(std::abs(cos_xa), 0.1) << cos_xa;

    // The wrong key does not undo it.
    auto wrong = a;
    unscramble(make_scramble_plan(key_from_seed(2), 99, n), wrong.data());
    const double cos_xw = dot(x, wrong) / std::sqrt(dot(x, x) * dot(wrong, wrong));
    EXPECT_LT(std::abs(cos_xw), 0.1) << cos_xw;
}

TEST(stego_key_scramble, fwht_of_impulse_is_flat)
{
    for (size_t n : { size_t(2), size_t(8), size_t(2048) }) {
        std::vector<float> v(n, 0.0f);
        v[0] = 1.0f;
        fwht_normalized(v.data(), n);
        const float level = 1.0f / std::sqrt(static_cast<float>(n));
        for (size_t i = 0; i < n; ++i)
            ASSERT_NEAR(std::abs(v[i]), level, 1e-6f) << n << " at " << i;
        // An impulse elsewhere: still flat, with signs; and H is its own inverse.
        std::vector<float> w(n, 0.0f);
        w[n - 1] = 1.0f;
        fwht_normalized(w.data(), n);
        for (size_t i = 0; i < n; ++i)
            ASSERT_NEAR(std::abs(w[i]), level, 1e-6f);
        fwht_normalized(w.data(), n);
        for (size_t i = 0; i < n; ++i)
            ASSERT_NEAR(w[i], i == n - 1 ? 1.0f : 0.0f, 1e-6f);
    }
    std::vector<float> v(6, 1.0f);
    EXPECT_NE(error_of([&] { fwht_normalized(v.data(), 6); }), "");
}
