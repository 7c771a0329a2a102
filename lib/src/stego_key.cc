/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/stego_key.h>

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace semsteg {

namespace {

// Nonces are serialised little endian; this library targets little-endian hosts only.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "nonces assume little endian");

constexpr const char* key_file_header = "semsteg-key-v1 ";
constexpr size_t key_hex_digits = 2 * stego_key::size;
constexpr off_t key_file_max_bytes = 4096;
constexpr const char* kdf_context = "semsteg1"; // crypto_kdf_CONTEXTBYTES = 8
constexpr const char* passphrase_salt_text = "gr-semsteg passphrase key v1";
constexpr const char* fingerprint_domain = "gr-semsteg key fingerprint v1";
constexpr size_t min_passphrase_chars = 8;

static_assert(crypto_kdf_KEYBYTES == stego_key::size, "crypto_kdf key size");
static_assert(crypto_stream_chacha20_KEYBYTES == stego_key::size, "ChaCha20 key size");
static_assert(crypto_stream_chacha20_NONCEBYTES == 8, "ChaCha20 with the 8-byte nonce");

// sodium_init() is itself safe to call repeatedly; the static makes it once per process.
void ensure_sodium()
{
    static const int rc = sodium_init();
    if (rc < 0)
        throw error("libsodium could not be initialised");
}

std::string key_file_error(const std::string& path, const std::string& what)
{
    return "key file '" + path + "': " + what;
}

std::string errno_text() { return std::strerror(errno); }

// Wipes a buffer that held secret text when it goes out of scope, on every path.
struct wipe_on_exit {
    std::string& s;
    ~wipe_on_exit() { sodium_memzero(s.data(), s.size()); }
};

// Closes a file descriptor on every path.
struct fd_closer {
    int fd;
    ~fd_closer()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

void write_all(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw error(errno_text());
        }
        data += n;
        size -= static_cast<size_t>(n);
    }
}

bool is_hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_power_of_two(size_t n) { return n >= 2 && (n & (n - 1)) == 0; }

void fwht_in_place(double* x, size_t n)
{
    for (size_t h = 1; h < n; h *= 2)
        for (size_t i = 0; i < n; i += 2 * h)
            for (size_t j = i; j < i + h; ++j) {
                const double a = x[j], b = x[j + h];
                x[j] = a + b;
                x[j + h] = a - b;
            }
    const double scale = 1.0 / std::sqrt(static_cast<double>(n));
    for (size_t i = 0; i < n; ++i)
        x[i] *= scale;
}

void check_plan(const scramble_plan& plan)
{
    if (!is_power_of_two(plan.n))
        throw error("scramble plan: n = " + std::to_string(plan.n)
                    + " is not a power of two >= 2");
    if (plan.signs.empty() || plan.signs.size() != plan.permutation.size())
        throw error("scramble plan: " + std::to_string(plan.signs.size())
                    + " rounds of signs but " + std::to_string(plan.permutation.size())
                    + " of permutations (expected the same number, at least 1)");
    for (size_t r = 0; r < plan.signs.size(); ++r) {
        if (plan.signs[r].size() != plan.n || plan.permutation[r].size() != plan.n)
            throw error("scramble plan: round " + std::to_string(r)
                        + " does not have n = " + std::to_string(plan.n) + " entries");
        // An index out of range would read out of bounds: check (cheap next to the FWHT).
        for (const int64_t p : plan.permutation[r])
            if (p < 0 || static_cast<uint64_t>(p) >= plan.n)
                throw error("scramble plan: round " + std::to_string(r)
                            + " has a permutation index outside [0, n)");
    }
}

} // namespace

namespace detail {

// Successive ChaCha20 keystream bytes for (key, purpose, nonce): the same bytes as
// stego_key::keystream(nonce, N, purpose) for any N, produced a buffer at a time with
// crypto_stream_chacha20_xor_ic (block counter = offset / 64), so a draw that needs more
// keystream than expected (rejection sampling) just reads on.
class keystream_reader
{
public:
    keystream_reader(const stego_key& key, uint64_t nonce, uint8_t purpose)
    {
        key.derive_subkey(purpose, subkey_.data());
        std::memcpy(nonce_.data(), &nonce, nonce_.size());
    }
    ~keystream_reader()
    {
        sodium_memzero(subkey_.data(), subkey_.size());
        sodium_memzero(buffer_.data(), buffer_.size());
    }
    keystream_reader(const keystream_reader&) = delete;
    keystream_reader& operator=(const keystream_reader&) = delete;

    void read(uint8_t* out, size_t n)
    {
        while (n > 0) {
            if (pos_ == buffer_.size())
                refill();
            const size_t take = std::min(n, buffer_.size() - pos_);
            std::memcpy(out, buffer_.data() + pos_, take);
            pos_ += take;
            out += take;
            n -= take;
        }
    }

    uint32_t next_u32()
    {
        uint8_t b[4];
        read(b, 4);
        return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16
            | uint32_t(b[3]) << 24;
    }

    //! Uniform in [0, bound), bound >= 1, without modulo bias: words below 2^32 mod bound
    //! are rejected, leaving a multiple of bound equally likely values.
    uint32_t uniform(uint32_t bound)
    {
        const uint32_t reject_below = static_cast<uint32_t>(-bound) % bound;
        for (;;) {
            const uint32_t r = next_u32();
            if (r >= reject_below)
                return r % bound;
        }
    }

private:
    static constexpr size_t block = 64; // ChaCha20 block size: the counter counts these

    void refill()
    {
        std::memset(buffer_.data(), 0, buffer_.size());
        crypto_stream_chacha20_xor_ic(buffer_.data(),
                                      buffer_.data(),
                                      buffer_.size(),
                                      nonce_.data(),
                                      next_block_,
                                      subkey_.data());
        next_block_ += buffer_.size() / block;
        pos_ = 0;
    }

    std::array<uint8_t, stego_key::size> subkey_ {};
    std::array<uint8_t, crypto_stream_chacha20_NONCEBYTES> nonce_ {};
    std::array<uint8_t, 64 * block> buffer_ {};
    size_t pos_ = buffer_.size(); // empty: the first read refills
    uint64_t next_block_ = 0;
};

} // namespace detail

stego_key stego_key::generate()
{
    ensure_sodium();
    stego_key k;
    randombytes_buf(k.bytes_.data(), k.bytes_.size());
    return k;
}

void stego_key::write_new_key_file(const std::string& path)
{
    const stego_key key = generate();
    // O_EXCL: never replace an existing file (it may be the only copy of a key in use).
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            throw error(key_file_error(
                path,
                "already exists; refusing to overwrite a key file (remove it first if you "
                "really mean to replace that key)"));
        throw error(key_file_error(path, "cannot create: " + errno_text()));
    }
    fd_closer closer { fd };

    std::string line(key_file_header);
    wipe_on_exit wipe { line };
    line.resize(line.size() + key_hex_digits + 1);
    sodium_bin2hex(line.data() + std::strlen(key_file_header),
                   key_hex_digits + 1,
                   key.bytes_.data(),
                   key.bytes_.size());
    line.back() = '\n'; // replaces sodium_bin2hex's terminating NUL
    try {
        // The umask may have cleared bits of 0600 but never adds any; make it exactly 0600.
        if (::fchmod(fd, 0600) != 0)
            throw error("cannot set mode 0600: " + errno_text());
        try {
            write_all(fd, line.data(), line.size());
        } catch (const error& e) {
            throw error(std::string("cannot write: ") + e.what());
        }
        if (::fsync(fd) != 0)
            throw error("cannot fsync: " + errno_text());
        const int rc = ::close(fd);
        closer.fd = -1;
        if (rc != 0)
            throw error("cannot close: " + errno_text());
    } catch (const error& e) {
        // We created the file: remove the partial key rather than leave an unusable one.
        ::unlink(path.c_str());
        throw error(key_file_error(path, e.what()));
    }
}

stego_key stego_key::from_file(const std::string& path,
                               const std::function<void(const std::string&)>& warn)
{
    ensure_sodium();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw error(key_file_error(path, "cannot open: " + errno_text()));
    fd_closer closer { fd };

    struct stat st;
    if (::fstat(fd, &st) != 0)
        throw error(key_file_error(path, "cannot stat: " + errno_text()));
    if (!S_ISREG(st.st_mode))
        throw error(key_file_error(path, "is not a regular file"));
    // Size first: never read an arbitrary large file into memory.
    if (st.st_size > key_file_max_bytes)
        throw error(key_file_error(
            path,
            "is " + std::to_string(st.st_size) + " bytes, too large for a key file (at most "
                + std::to_string(key_file_max_bytes) + "; a key file is one line of "
                + std::to_string(std::strlen(key_file_header) + key_hex_digits + 1)
                + " bytes)"));

    std::string text(static_cast<size_t>(st.st_size), '\0');
    wipe_on_exit wipe { text };
    size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            throw error(key_file_error(path, "cannot read: " + errno_text()));
        }
        if (n == 0)
            break;
        got += static_cast<size_t>(n);
    }
    text.resize(got);
    stego_key key = parse_key_file(text, path);
    if ((st.st_mode & 077) != 0 && warn)
        warn("key file '" + path
             + "' is readable or writable by others (group/other permissions set); "
               "run: chmod 600 '"
             + path + "'");
    return key;
}

stego_key stego_key::parse_key_file(const std::string& text, const std::string& path)
{
    ensure_sodium();
    if (text.size() > static_cast<size_t>(key_file_max_bytes))
        throw error(key_file_error(path, "is too large for a key file"));
    // Messages below describe the content (counts, positions) but never quote it.
    if (text.empty())
        throw error(
            key_file_error(path, "is empty (expected 'semsteg-key-v1 <64 hex digits>')"));
    const size_t header_len = std::strlen(key_file_header);
    if (text.compare(0, header_len, key_file_header) != 0)
        throw error(key_file_error(
            path,
            "does not start with 'semsteg-key-v1 ' (not a gr-semsteg key file, or an "
            "unsupported version)"));
    size_t end = header_len;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
        ++end;
    const size_t digits = end - header_len;
    for (size_t i = header_len; i < end; ++i)
        if (!is_hex_digit(text[i]))
            throw error(key_file_error(path,
                                       "the key has a non-hex character at position "
                                           + std::to_string(i - header_len + 1)
                                           + " (expected 64 hex digits 0-9a-f)"));
    if (digits != key_hex_digits)
        throw error(key_file_error(path,
                                   "the key has " + std::to_string(digits)
                                       + " hex digits, expected "
                                       + std::to_string(key_hex_digits)));
    // One optional line end, then nothing.
    size_t rest = end;
    if (rest < text.size() && text[rest] == '\n')
        ++rest;
    if (rest != text.size())
        throw error(key_file_error(path,
                                   std::to_string(text.size() - end)
                                       + " bytes of trailing data after the key (expected "
                                         "one line: 'semsteg-key-v1 <64 hex digits>')"));

    stego_key key;
    size_t bin_len = 0;
    if (sodium_hex2bin(key.bytes_.data(),
                       key.bytes_.size(),
                       text.data() + header_len,
                       digits,
                       nullptr,
                       &bin_len,
                       nullptr)
            != 0
        || bin_len != key.bytes_.size())
        throw error(key_file_error(path, "the key's hex digits could not be decoded"));
    return key;
}

stego_key stego_key::with_bit_flipped(size_t bit) const
{
    if (bit >= 8 * size)
        throw error("key bit " + std::to_string(bit) + " out of range (0 to 255)");
    stego_key k(*this);
    k.bytes_[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    return k;
}

std::string demo_key_path()
{
    const auto env = [](const char* name) {
        const char* v = std::getenv(name);
        return std::string(v ? v : "");
    };
    if (!env("SEMSTEG_DEMO_KEY").empty())
        return env("SEMSTEG_DEMO_KEY");
    if (!env("XDG_CONFIG_HOME").empty())
        return env("XDG_CONFIG_HOME") + "/semsteg/demo.key";
    if (!env("HOME").empty())
        return env("HOME") + "/.config/semsteg/demo.key";
    throw error("no place for the demo key: set SEMSTEG_DEMO_KEY (or HOME), or give a key "
                "file made by semsteg-keygen");
}

stego_key demo_key(const std::function<void(const std::string&)>& warn)
{
    namespace fs = std::filesystem;
    ensure_sodium();
    const std::string path = demo_key_path();
    if (!fs::exists(path)) {
        const fs::path dir = fs::path(path).parent_path();
        std::error_code ec;
        if (!dir.empty() && !fs::exists(dir)) {
            fs::create_directories(dir, ec);
            if (ec)
                throw error(
                    key_file_error(path, "cannot create its folder: " + ec.message()));
            fs::permissions(dir, fs::perms::owner_all, ec); // best effort: 0700
        }
        // Made whole under a private name, then linked into place: link() never replaces a
        // file, so of two processes making it at once one wins and both read its key, and
        // nobody ever reads a half-written key.
        const std::string tmp = path + ".new." + std::to_string(::getpid()) + "."
            + std::to_string(randombytes_random());
        stego_key::write_new_key_file(tmp);
        const int rc = ::link(tmp.c_str(), path.c_str());
        const int link_errno = errno;
        ::unlink(tmp.c_str());
        if (rc != 0 && link_errno != EEXIST)
            throw error(key_file_error(
                path, std::string("cannot create: ") + std::strerror(link_errno)));
    }
    stego_key key = stego_key::from_file(path, warn);
    if (warn)
        warn("using this machine's demo key '" + path + "' (fingerprint " + key.fingerprint()
             + "): fine for a loopback or for Alice and Bob on this machine, but no key "
               "you chose to share; for a real link make one with semsteg-keygen and give "
               "Alice and Bob the same file");
    return key;
}

std::string
key_file_or_demo(const std::string& key_file, const std::string& passphrase, bool inn_keyed)
{
    if (key_file.empty() && passphrase.empty() && inn_keyed)
        return demo_key_name;
    return key_file;
}

std::optional<stego_key> load_key(const std::string& key_file,
                                  const std::string& passphrase,
                                  const std::function<void(const std::string&)>& warn)
{
    if (!key_file.empty() && !passphrase.empty())
        throw error("give a key file or a passphrase, not both");
    if (key_file == demo_key_name)
        return demo_key(warn);
    if (!key_file.empty())
        return stego_key::from_file(key_file, warn);
    if (!passphrase.empty())
        return stego_key::from_passphrase(passphrase);
    return std::nullopt;
}

stego_key stego_key::from_passphrase(const std::string& passphrase, kdf_cost cost)
{
    ensure_sodium();
    if (passphrase.empty())
        throw error("passphrase is empty");
    // Characters, not bytes: count UTF-8 lead bytes (continuation bytes are 10xxxxxx).
    size_t chars = 0;
    for (const char c : passphrase)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++chars;
    if (chars < min_passphrase_chars)
        throw error("passphrase is shorter than " + std::to_string(min_passphrase_chars)
                    + " characters (" + std::to_string(chars)
                    + "); use a longer one, or a key file from semsteg-keygen");

    // A fixed public salt: both ends must derive the same key from the passphrase alone.
    // (It still keeps precomputed tables for other Argon2id users from applying.)
    uint8_t salt[crypto_pwhash_SALTBYTES];
    crypto_generichash(salt,
                       sizeof salt,
                       reinterpret_cast<const uint8_t*>(passphrase_salt_text),
                       std::strlen(passphrase_salt_text),
                       nullptr,
                       0);
    const bool moderate = cost == kdf_cost::moderate;
    const unsigned long long ops
        = moderate ? crypto_pwhash_OPSLIMIT_MODERATE : crypto_pwhash_OPSLIMIT_INTERACTIVE;
    const size_t mem
        = moderate ? crypto_pwhash_MEMLIMIT_MODERATE : crypto_pwhash_MEMLIMIT_INTERACTIVE;
    stego_key key;
    if (crypto_pwhash(key.bytes_.data(),
                      key.bytes_.size(),
                      passphrase.data(),
                      passphrase.size(),
                      salt,
                      ops,
                      mem,
                      crypto_pwhash_ALG_ARGON2ID13)
        != 0)
        throw error("Argon2id key derivation failed (out of memory? it needs "
                    + std::to_string(mem >> 20) + " MiB)");
    return key;
}

stego_key stego_key::from_bytes(const uint8_t* bytes, size_t size)
{
    ensure_sodium();
    if (size != stego_key::size)
        throw error("a key is " + std::to_string(stego_key::size) + " bytes, got "
                    + std::to_string(size));
    stego_key k;
    std::memcpy(k.bytes_.data(), bytes, size);
    return k;
}

stego_key::~stego_key() { sodium_memzero(bytes_.data(), bytes_.size()); }

std::string stego_key::fingerprint() const
{
    ensure_sodium();
    crypto_generichash_state st;
    uint8_t hash[crypto_generichash_BYTES];
    crypto_generichash_init(&st, nullptr, 0, sizeof hash);
    crypto_generichash_update(&st,
                              reinterpret_cast<const uint8_t*>(fingerprint_domain),
                              std::strlen(fingerprint_domain));
    crypto_generichash_update(&st, bytes_.data(), bytes_.size());
    crypto_generichash_final(&st, hash, sizeof hash);
    sodium_memzero(&st, sizeof st);
    char hex[2 * 8 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, 8);
    return hex;
}

bool stego_key::operator==(const stego_key& other) const
{
    return sodium_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

void stego_key::derive_subkey(uint8_t purpose, uint8_t* subkey) const
{
    ensure_sodium();
    if (crypto_kdf_derive_from_key(subkey, size, purpose, kdf_context, bytes_.data()) != 0)
        throw error("key derivation (crypto_kdf) failed");
}

std::vector<uint8_t>
stego_key::keystream(uint64_t nonce, size_t nbytes, uint8_t purpose) const
{
    std::vector<uint8_t> out(nbytes);
    if (nbytes == 0)
        return out;
    uint8_t subkey[size];
    derive_subkey(purpose, subkey);
    uint8_t n[crypto_stream_chacha20_NONCEBYTES];
    std::memcpy(n, &nonce, sizeof n);
    crypto_stream_chacha20(out.data(), out.size(), n, subkey);
    sodium_memzero(subkey, sizeof subkey);
    return out;
}

nonce_source::nonce_source()
{
    ensure_sodium();
    randombytes_buf(&start_, sizeof start_);
}

uint64_t nonce_source::next()
{
    std::lock_guard<std::mutex> lock(mutex_);
    if (exhausted_)
        throw error("nonce source exhausted: all 2^64 nonces have been used");
    const uint64_t nonce = start_ + issued_; // wraps modulo 2^64 by design
    if (++issued_ == 0)
        exhausted_ = true;
    return nonce;
}

scramble_plan make_scramble_plan(const stego_key& key, uint64_t nonce, size_t n, int rounds)
{
    if (!is_power_of_two(n))
        throw error("scramble plan: n = " + std::to_string(n)
                    + " must be a power of two and at least 2");
    if (n > (size_t(1) << 31))
        throw error("scramble plan: n = " + std::to_string(n) + " is larger than 2^31");
    if (rounds < 1)
        throw error("scramble plan: rounds = " + std::to_string(rounds)
                    + " must be at least 1");

    detail::keystream_reader ks(key, nonce, key_purpose_scramble);
    scramble_plan plan;
    plan.n = n;
    plan.signs.resize(static_cast<size_t>(rounds));
    plan.permutation.resize(static_cast<size_t>(rounds));
    std::vector<uint8_t> bits((n + 7) / 8);
    for (int r = 0; r < rounds; ++r) {
        auto& signs = plan.signs[static_cast<size_t>(r)];
        ks.read(bits.data(), bits.size());
        signs.resize(n);
        for (size_t i = 0; i < n; ++i)
            signs[i] = (bits[i / 8] >> (i % 8)) & 1 ? -1.0f : 1.0f;

        auto& perm = plan.permutation[static_cast<size_t>(r)];
        perm.resize(n);
        for (size_t i = 0; i < n; ++i)
            perm[i] = static_cast<int64_t>(i);
        for (size_t i = n - 1; i > 0; --i) {
            const size_t j = ks.uniform(static_cast<uint32_t>(i + 1));
            std::swap(perm[i], perm[j]);
        }
    }
    return plan;
}

void scramble(const scramble_plan& plan, float* data)
{
    check_plan(plan);
    const size_t n = plan.n;
    std::vector<double> x(data, data + n), y(n);
    for (size_t r = 0; r < plan.signs.size(); ++r) {
        const auto& s = plan.signs[r];
        const auto& p = plan.permutation[r];
        for (size_t i = 0; i < n; ++i)
            x[i] *= s[i];
        for (size_t i = 0; i < n; ++i)
            y[i] = x[static_cast<size_t>(p[i])];
        x.swap(y);
        fwht_in_place(x.data(), n);
    }
    for (size_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(x[i]);
}

void unscramble(const scramble_plan& plan, float* data)
{
    check_plan(plan);
    const size_t n = plan.n;
    std::vector<double> x(data, data + n), y(n);
    for (size_t r = plan.signs.size(); r-- > 0;) {
        const auto& s = plan.signs[r];
        const auto& p = plan.permutation[r];
        fwht_in_place(x.data(), n);
        for (size_t i = 0; i < n; ++i)
            y[static_cast<size_t>(p[i])] = x[i];
        for (size_t i = 0; i < n; ++i)
            x[i] = y[i] * s[i];
    }
    for (size_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(x[i]);
}

void fwht_normalized(float* data, size_t n)
{
    if (!is_power_of_two(n))
        throw error("Walsh-Hadamard transform: n = " + std::to_string(n)
                    + " must be a power of two and at least 2");
    std::vector<double> x(data, data + n);
    fwht_in_place(x.data(), n);
    for (size_t i = 0; i < n; ++i)
        data[i] = static_cast<float>(x[i]);
}

} // namespace semsteg
