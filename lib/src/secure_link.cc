/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/covert.h>
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/secure_link.h>

#include <array>
#include <cmath>
#include <sstream>

namespace semsteg {

stego_key seeded_key(std::mt19937_64& rng)
{
    std::array<uint8_t, stego_key::size> bytes;
    for (auto& b : bytes)
        b = static_cast<uint8_t>(rng());
    return stego_key::from_bytes(bytes.data(), bytes.size());
}

latent_keying::latent_keying(const stego_key& key,
                             const std::vector<uint64_t>& nonces,
                             int64_t n,
                             int rounds,
                             const torch::Device& device)
    : d_batch(static_cast<int64_t>(nonces.size())), d_n(n)
{
    if (nonces.empty())
        throw error("keyed hiding: no nonces");
    std::vector<scramble_plan> plans;
    for (uint64_t nonce : nonces)
        plans.push_back(make_scramble_plan(key, nonce, static_cast<size_t>(n), rounds));
    for (int r = 0; r < rounds; ++r) {
        auto signs = torch::empty({ d_batch, n });
        auto perm = torch::empty({ d_batch, n }, torch::kLong);
        for (int64_t b = 0; b < d_batch; ++b) {
            std::copy(plans[b].signs[r].begin(),
                      plans[b].signs[r].end(),
                      signs[b].data_ptr<float>());
            std::copy(plans[b].permutation[r].begin(),
                      plans[b].permutation[r].end(),
                      perm[b].data_ptr<int64_t>());
        }
        d_signs.push_back(signs.to(device));
        d_perm.push_back(perm.to(device));
    }
}

namespace {
// The orthonormal fast Walsh–Hadamard transform along dim 1 of [B, n] (stego_key.h's
// fwht_normalized, in torch: butterflies of stride h = 1, 2, 4, …).
torch::Tensor fwht(torch::Tensor x)
{
    const int64_t b = x.size(0), n = x.size(1);
    for (int64_t h = 1; h < n; h *= 2) {
        auto v = x.reshape({ b, n / (2 * h), 2, h });
        auto lo = v.select(2, 0), hi = v.select(2, 1);
        x = torch::stack({ lo + hi, lo - hi }, 2).reshape({ b, n });
    }
    return x / std::sqrt(static_cast<double>(n));
}
} // namespace

void latent_keying::check(const torch::Tensor& latent) const
{
    if (latent.size(0) != d_batch || latent.numel() != d_batch * d_n)
        throw error("keyed hiding: a key for " + std::to_string(d_batch) + " latents of "
                    + std::to_string(d_n) + " reals, given "
                    + (std::ostringstream() << latent.sizes()).str());
}

torch::Tensor latent_keying::scramble(const torch::Tensor& latent) const
{
    check(latent);
    auto x = latent.reshape({ d_batch, d_n });
    for (size_t r = 0; r < d_perm.size(); ++r)
        x = fwht((x * d_signs[r]).gather(1, d_perm[r]));
    return x.reshape(latent.sizes());
}

torch::Tensor latent_keying::unscramble(const torch::Tensor& latent) const
{
    check(latent);
    auto x = latent.reshape({ d_batch, d_n });
    for (size_t r = d_perm.size(); r-- > 0;)
        x = torch::zeros_like(x).scatter(1, d_perm[r], fwht(x)) * d_signs[r];
    return x.reshape(latent.sizes());
}

void check_inn_key(const inn_impl& stego, bool have_key, const std::string& inn_path)
{
    const std::string name = inn_path.empty() ? "this INN" : "INN '" + inn_path + "'";
    if (stego.config().keyed && !have_key)
        throw error(name
                    + " is keyed: give the key Alice and Bob share (a key file or a "
                      "passphrase; the key file 'demo' is this machine's demo key)");
    if (!stego.config().keyed && have_key)
        throw error(name
                    + " is keyless: a key would protect nothing; use a keyed INN, or no key "
                      "(an empty key file and passphrase)");
}

namespace {
void check_keying(const inn_impl& stego, const latent_keying* key)
{
    check_inn_key(stego, key != nullptr, "");
}
} // namespace

torch::Tensor private_latent(jscc_codec_impl& codec,
                             const inn_impl& stego,
                             const torch::Tensor& images,
                             const torch::Tensor& snr_db)
{
    const int s = stego.config().private_downscale;
    if (codec.config().latent_channels() != stego.config().payload())
        throw error("private latent: the INN hides "
                    + std::to_string(stego.config().payload())
                    + "-channel payloads, the private image's codec makes "
                    + std::to_string(codec.config().latent_channels()));
    if (s == 1)
        return codec.encode(images, snr_db);
    if (images.dim() != 4 || images.size(2) % (4 * s) != 0 || images.size(3) % (4 * s) != 0)
        throw error("private latent: images " + (std::ostringstream() << images.sizes()).str()
                    + " do not divide into the INN's payload (sides multiples of "
                    + std::to_string(4 * s) + ")");
    // Power is kept: the codec normalises the small latent, the shuffle only moves values.
    return torch::pixel_shuffle(codec.encode(torch::avg_pool2d(images, s), snr_db), s);
}

torch::Tensor private_image(jscc_codec_impl& codec,
                            const inn_impl& stego,
                            const torch::Tensor& latent,
                            const torch::Tensor& snr_db)
{
    const int s = stego.config().private_downscale;
    if (s == 1)
        return codec.decode(latent, snr_db);
    const auto small = codec.decode(torch::pixel_unshuffle(latent, s), snr_db);
    namespace F = torch::nn::functional;
    return F::interpolate(small,
                          F::InterpolateFuncOptions()
                              .scale_factor(std::vector<double> { double(s), double(s) })
                              .mode(torch::kBilinear)
                              .align_corners(false))
        .clamp(0.0, 1.0);
}

alice_output alice_embed(inn_impl& stego,
                         const torch::Tensor& zh,
                         const torch::Tensor& zp,
                         const latent_keying* key,
                         const codec_range& range)
{
    check_keying(stego, key);
    auto out = stego.embed(zh, key ? key->scramble(zp) : zp);
    // Only the container goes on the air, at the unit power the PHY expects; l is dropped.
    auto sent = normalize_power_batch(out.container);
    if (stego.config().codec_round_trip) {
        if (!range.codec || range.snr_db.numel() != zh.size(0))
            throw error("alice_embed: this INN sends its containers through the public "
                        "codec's round trip; it needs the codec and one SNR per image");
        auto picture = range.codec->decode(sent, range.snr_db);
        if (stego.config().round_trip_host_detail) {
            if (!range.host_image.defined() || range.host_image.size(0) != zh.size(0))
                throw error("alice_embed: this INN adds the host's detail back before the "
                            "codec's round trip; it needs the host images, one per latent");
            // What the codec loses of the host, x_h − D(z_h) (a constant to the INN):
            // were the container z_h itself, E would get x_h back exactly.
            torch::Tensor detail;
            {
                torch::NoGradGuard ng;
                detail = range.host_image - range.codec->decode(zh, range.snr_db);
            }
            picture = picture + detail;
        }
        // E normalises the power itself.
        sent = range.codec->encode(picture, range.snr_db);
    }
    return { std::move(sent), std::move(out.container), std::move(out.lost) };
}

bob_output bob_extract(inn_impl& stego,
                       const lost_part_mode& lost,
                       const torch::Tensor& received,
                       const latent_keying* key)
{
    check_keying(stego, key);
    auto lost_hat = make_lost_part(lost, received, stego);
    auto recovered = stego.extract(received, lost_hat);
    if (key)
        recovered.secret = key->unscramble(recovered.secret);
    return { std::move(lost_hat), std::move(recovered) };
}

torch::Tensor
eve_inn_backwards(inn_impl& stego, const lost_part_mode& lost, const torch::Tensor& received)
{
    return stego.extract(received, make_lost_part(lost, received, stego)).secret;
}

torch::Tensor eve_extractor_input(const torch::Tensor& received,
                                  const torch::Tensor& backwards)
{
    return torch::cat({ received, backwards }, 1);
}

secure_link_models secure_link_models::load(const std::string& codec_path,
                                            const std::string& inn_path,
                                            const std::string& mia_path,
                                            const std::string& detector_path,
                                            const std::string& lost_mode,
                                            const std::optional<stego_key>& key,
                                            const std::string& private_codec_path)
{
    secure_link_models m;
    // Each file read (and its checksum verified) once, for the weights and the codec check.
    const auto codec_file = read_model_file(codec_path, kind_jscc);
    const auto inn_file = read_model_file(inn_path, kind_inn);
    check_inn_codec(inn_file, inn_path, codec_file, codec_path);
    std::optional<model_file> private_file;
    if (!private_codec_path.empty())
        private_file = read_model_file(private_codec_path, kind_jscc);
    check_inn_private_codec(
        inn_file, inn_path, private_file ? &*private_file : nullptr, private_codec_path);
    m.codec = load_jscc(codec_file, codec_path);
    m.stego = load_inn(inn_file, inn_path);
    if (private_file) {
        m.private_codec = load_jscc(*private_file, private_codec_path);
        if ((*m.private_codec)->config().latent_channels() != m.stego->config().payload())
            throw error("private codec '" + private_codec_path + "' makes "
                        + std::to_string((*m.private_codec)->config().latent_channels())
                        + "-channel latents; INN '" + inn_path + "' hides "
                        + std::to_string(m.stego->config().payload()));
    }
    if (m.stego->config().channels != m.codec->config().latent_channels())
        throw error("INN '" + inn_path + "' has " + std::to_string(m.stego->config().channels)
                    + " channels but codec '" + codec_path + "' makes "
                    + std::to_string(m.codec->config().latent_channels()));
    if (!mia_path.empty())
        m.mia = load_mia(mia_path);
    if (!detector_path.empty())
        m.detect = load_detector(detector_path);
    m.lost = lost_part_mode::parse(lost_mode);
    check_lost_part_mode(m.lost, *m.stego, inn_path);
    check_inn_key(*m.stego, key.has_value(), inn_path);
    m.key = key;
    return m;
}

void secure_link_models::load_eve_inn(const std::string& path)
{
    auto net = load_inn(path);
    if (net->config().channels != codec->config().latent_channels())
        throw error("Eve's INN '" + path + "' has " + std::to_string(net->config().channels)
                    + " channels but the codec makes "
                    + std::to_string(codec->config().latent_channels()));
    const int payload = net->config().payload();
    if (payload != codec->config().latent_channels()
        && payload != private_coder().config().latent_channels())
        throw error("Eve's INN '" + path + "' hides " + std::to_string(payload)
                    + "-channel payloads: neither codec here makes them");
    eve_inn = net;
}

jscc_codec_impl& secure_link_models::coder_of(const inn_impl& stego)
{
    // The private codec when the INN's payload is its kind, else the public one.
    auto& own = private_coder();
    return stego.config().payload() == own.config().latent_channels() ? own : *codec;
}

secure_link_result run_secure_link(secure_link_models& m,
                                   const torch::Tensor& host,
                                   const torch::Tensor& secret,
                                   const channel_config& bob_channel,
                                   const channel_config& eve_channel,
                                   torch::Generator& gen)
{
    if (host.sizes() != secret.sizes())
        throw error("secure link: host and private batches differ in shape");
    torch::NoGradGuard no_grad;
    m.codec->eval();
    m.stego->eval();
    secure_link_result r;

    // The SNR of each image on each link (drawn when a link has a range). Alice targets
    // Bob's; each receiver knows its own (a PHY estimates it per frame). A plain codec
    // ignores them.
    const int64_t batch = host.size(0);
    const auto bob_snr = channel_snr(bob_channel, batch, gen);
    const auto eve_snr = channel_snr(eve_channel, batch, gen);
    const auto zh = m.codec->encode(host, bob_snr);
    const auto zp = m.codec->encode(secret, bob_snr);
    if (m.private_codec)
        (*m.private_codec)->eval();
    const auto hidden
        = private_latent(m.private_coder(), *m.stego, secret, bob_snr); // payload
    // What the receivers' decoders are told (the channels draw at the true SNRs).
    const auto bob_told = bob_snr + m.snr_estimate_error_db;
    const auto eve_told = eve_snr + m.snr_estimate_error_db;

    // Baseline: the private latent itself on the air.
    const auto base_bob_rx = apply_channel_at_snr(zp, bob_channel, bob_snr, gen);
    const auto base_eve_rx = apply_channel_at_snr(zp, eve_channel, eve_snr, gen);
    r.baseline_bob = m.codec->decode(base_bob_rx, bob_told);
    r.baseline_eve = m.codec->decode(base_eve_rx, eve_told);

    // Secure: the container is sent (under a fresh nonce per image when keyed).
    std::optional<latent_keying> keying;
    std::vector<uint64_t> nonces;
    const int64_t reals = hidden[0].numel();
    const int rounds = m.stego->config().scramble_rounds;
    if (m.key) {
        for (int64_t i = 0; i < batch; ++i)
            nonces.push_back(m.nonces->next());
        keying.emplace(*m.key, nonces, reals, rounds);
    }
    const latent_keying* key = keying ? &*keying : nullptr;
    const auto zc
        = alice_embed(*m.stego, zh, hidden, key, { m.codec.get(), bob_snr, host }).sent;
    const auto bob_rx = apply_channel_at_snr(zc, bob_channel, bob_snr, gen);
    const auto eve_rx = apply_channel_at_snr(zc, eve_channel, eve_snr, gen);
    r.secure_bob = private_image(m.private_coder(),
                                 *m.stego,
                                 bob_extract(*m.stego, m.lost, bob_rx, key).recovered.secret,
                                 bob_told);
    r.secure_eve = m.codec->decode(eve_rx, eve_told);

    // Eve with the INN and no key: E4 decodes what it gives back, E6/E7 read it.
    torch::Tensor backwards;
    if (m.key || m.extractor)
        backwards = eve_inn_backwards(*m.stego, m.lost, eve_rx);
    if (m.extractor) {
        (*m.extractor)->eval();
        r.eve_extractor = (*m.extractor)->forward(eve_extractor_input(eve_rx, backwards));
    }
    if (m.key) { // E4: unscrambled with nothing, or the wrong (key, nonce)
        auto eve_decode = [&](const std::optional<latent_keying>& guess) {
            return private_image(m.private_coder(),
                                 *m.stego,
                                 guess ? guess->unscramble(backwards) : backwards,
                                 eve_told);
        };
        r.eve_inn_nokey = eve_decode(std::nullopt);
        r.eve_inn_wrong_key
            = eve_decode(latent_keying(stego_key::generate(), nonces, reals, rounds));
        const auto flipped = m.key->with_bit_flipped(0);
        r.eve_inn_flipped_bit = eve_decode(latent_keying(flipped, nonces, reals, rounds));
        std::vector<uint64_t> other_nonces;
        for (uint64_t n : nonces)
            other_nonces.push_back(n ^ (uint64_t { 1 } << 63)); // far from any nonce used
        r.eve_inn_wrong_nonce
            = eve_decode(latent_keying(*m.key, other_nonces, reals, rounds));
    }

    if (m.eve_inn) { // E5: nothing to unscramble with (her INN never saw Alice's key)
        (*m.eve_inn)->eval();
        r.eve_own_inn
            = private_image(m.coder_of(**m.eve_inn),
                            **m.eve_inn,
                            eve_inn_backwards(**m.eve_inn, lost_part_mode {}, eve_rx),
                            eve_told);
    }

    // The plain host signal at Eve, one draw whoever reads it: her naive picture of it
    // (what the container's should look like), the detector, the steganalyst.
    const auto plain_rx = apply_channel_at_snr(zh, eve_channel, eve_snr, gen);
    r.plain_host_eve = m.codec->decode(plain_rx, eve_told);
    if (m.mia) {
        (*m.mia)->eval();
        r.baseline_mia = (*m.mia)->forward(base_eve_rx);
        r.secure_mia = (*m.mia)->forward(eve_rx);
        r.plain_host_mia = (*m.mia)->forward(plain_rx);
    }
    if (m.keep_received) {
        r.eve_plain_rx = plain_rx;
        r.eve_container_rx = eve_rx;
    }
    if (m.detect) {
        (*m.detect)->eval();
        // Eve knows her SNR and the link's target (Bob's): a calibrated detector's residual
        // decodes at the one and re-encodes at the other.
        const auto detect = [&](const torch::Tensor& rx) {
            return (*m.detect)->forward(
                detector_input(**m.detect, *m.codec, rx, eve_told, bob_snr));
        };
        r.detect_plain = detect(plain_rx);
        r.detect_container = detect(eve_rx);
    }
    return r;
}

} // namespace semsteg
