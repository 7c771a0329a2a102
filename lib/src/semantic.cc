/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/metrics.h>
#include <semsteg/model_file.h>
#include <semsteg/model_io.h>
#include <semsteg/model_locator.h>
#include <semsteg/nn.h>
#include <semsteg/secure_link.h>
#include <semsteg/semantic.h>
#include <semsteg/threads.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace semsteg {

latent_shape latent_shape::square(int channels, size_t num_symbols)
{
    if (channels <= 0 || num_symbols == 0)
        throw error("latent of " + std::to_string(num_symbols) + " symbols with "
                    + std::to_string(channels) + " channels");
    const size_t reals = 2 * num_symbols;
    const size_t area = reals / static_cast<size_t>(channels);
    const auto side = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(area))));
    if (area * channels != reals || side * side != area)
        throw error("a latent of " + std::to_string(num_symbols)
                    + " complex symbols is not a square " + std::to_string(channels)
                    + "-channel latent (C·H·W/2 symbols with H = W)");
    return { channels, static_cast<int>(side), static_cast<int>(side) };
}

namespace {

//! The latent grid the INN's and the MIA's warm-up samples use: that of 64×64 images, the
//! side every shipped model has (a network knows its channels, not its grid; another side
//! builds its kernels on first use instead).
constexpr int warm_up_grid = 16;

//! A symbol vector of `n` non-zero symbols (a warm-up sample: no zero-power edge cases).
symbol_vector warm_up_symbols(size_t n) { return symbol_vector(n, { 0.7f, -0.7f }); }

//! A mid-grey image (a warm-up sample).
image grey_image(int side)
{
    image img(side, side);
    std::fill(img.rgb.begin(), img.rgb.end(), 0.5f);
    return img;
}

// Symbols a caller hands in are checked in its thread, before anything is queued: the
// count (a square latent of the network's channels) and finiteness.
latent_shape checked_shape(int channels, const symbol_vector& symbols)
{
    const auto shape = latent_shape::square(channels, symbols.size());
    for (size_t i = 0; i < symbols.size(); ++i)
        if (!std::isfinite(symbols[i].real()) || !std::isfinite(symbols[i].imag()))
            throw error("latent symbol " + std::to_string(i) + " is not finite");
    return shape;
}

double checked_snr(bool adaptive, std::optional<double> snr_db)
{
    if (!adaptive)
        return 0.0;
    if (!snr_db || !std::isfinite(*snr_db))
        throw error("this codec is SNR-adaptive: it needs the channel SNR (a finite value)");
    return *snr_db;
}

// The engine's device, and a module moved there when it changed.
torch::Device engine_device()
{
    return torch::Device(inference_engine::instance().settings().device);
}
template <class Module>
void follow_device(Module& module, std::string& on, const torch::Device& device)
{
    if (on != device.str()) {
        module->to(device);
        on = device.str();
    }
}

// Requests → [B,C,H,W] on `device`, latents as latent_symbols.h pairs them.
template <class Get>
torch::Tensor latent_batch(size_t count,
                           const latent_shape& shape,
                           Get symbols_of,
                           const torch::Device& device)
{
    auto batch = torch::empty(
        { static_cast<int64_t>(count), shape.channels, shape.height, shape.width });
    float* out = batch.data_ptr<float>();
    for (size_t i = 0; i < count; ++i) {
        const symbol_vector& s = symbols_of(i);
        const auto reals = symbols_to_latent(s.data(), s.size());
        std::copy(reals.begin(), reals.end(), out + i * shape.num_reals());
    }
    return batch.to(device);
}

// Indices of the requests grouped by latent size (requests of one size run as one batch).
template <class Request, class Size>
std::vector<std::vector<size_t>> groups_by_size(const std::vector<Request>& requests,
                                                Size size)
{
    std::vector<std::vector<size_t>> groups;
    std::vector<size_t> sizes;
    for (size_t i = 0; i < requests.size(); ++i) {
        const size_t n = size(requests[i]);
        const auto it = std::find(sizes.begin(), sizes.end(), n);
        if (it == sizes.end()) {
            sizes.push_back(n);
            groups.push_back({ i });
        } else {
            groups[static_cast<size_t>(it - sizes.begin())].push_back(i);
        }
    }
    return groups;
}

// A NaN or infinity out of a network (non-finite weights; inputs are checked on the way
// in) fails that request: the blocks log it and count a drop instead of passing garbage on.
std::string non_finite(const char* network)
{
    return std::string("non-finite output (NaN or infinity) from ") + network
        + ": the model file holds non-finite weights or does not fit the input";
}

outcome<symbol_vector> symbols_outcome(const torch::Tensor& latent, const char* network)
{
    if (!torch::isfinite(latent).all().item<bool>())
        return outcome<symbol_vector>::failure(non_finite(network));
    const auto flat = latent.detach().to(torch::kCPU, torch::kFloat).contiguous();
    return { latent_to_symbols(flat.data_ptr<float>(), static_cast<size_t>(flat.numel())),
             "" };
}

void images_outcomes(const torch::Tensor& images,
                     const std::vector<size_t>& indices,
                     const char* network,
                     std::vector<outcome<image>>& out)
{
    const auto cpu = images.detach().to(torch::kCPU);
    const auto finite = torch::isfinite(cpu).flatten(1).all(1);
    const auto decoded = tensor_to_images(torch::nan_to_num(cpu, 0.0, 0.0, 0.0));
    for (size_t j = 0; j < indices.size(); ++j)
        out[indices[j]] = finite[static_cast<int64_t>(j)].item<bool>()
            ? outcome<image> { decoded[j], "" }
            : outcome<image>::failure(non_finite(network));
}

torch::Tensor
snr_batch(bool adaptive, const std::vector<double>& snrs, const torch::Device& device)
{
    if (!adaptive)
        return {};
    return torch::tensor(snrs, torch::kFloat).to(device);
}

struct decode_request {
    symbol_vector symbols;
    latent_shape shape;
    double snr_db;
};

// A decoder's batch: the requests grouped by latent size, each group run as one batch by
// `forward(latent [B,C,H,W], SNRs)` → images [B,3,H',W'].
template <class Forward>
std::vector<outcome<image>> decode_groups(std::vector<decode_request>& requests,
                                          const torch::Device& dev,
                                          const char* network,
                                          const Forward& forward)
{
    std::vector<outcome<image>> out(requests.size());
    for (const auto& group :
         groups_by_size(requests, [](const decode_request& r) { return r.symbols.size(); })) {
        std::vector<double> snrs;
        for (size_t i : group)
            snrs.push_back(requests[i].snr_db);
        const auto latent = latent_batch(
            group.size(),
            requests[group[0]].shape,
            [&](size_t j) -> const symbol_vector& { return requests[group[j]].symbols; },
            dev);
        images_outcomes(forward(latent, snrs), group, network, out);
    }
    return out;
}

struct encode_request {
    image img; // prepared to the codec's side
    double snr_db;
};
struct embed_request {
    symbol_vector host, secret;
    latent_shape shape, secret_shape; //!< the host's (and container's); the payload's
    uint64_t nonce;
    //! Embedding from a host image (then `host` is empty: the round-trip codec encodes it).
    std::optional<image> host_image = std::nullopt;
};
struct extract_request {
    symbol_vector container;
    latent_shape shape;
    uint64_t nonce;
};

} // namespace

// ---------------------------------------------------------------- facade::jscc_codec

struct facade::jscc_codec::impl {
    ::semsteg::jscc_codec codec { nullptr };
    std::string device = "cpu";
    // After the codec: destroyed first, waiting for a batch that uses it.
    std::unique_ptr<batched_operation<encode_request, symbol_vector>> encode_op;
    std::unique_ptr<batched_operation<decode_request, image>> decode_op;

    std::vector<outcome<symbol_vector>> encode_batch(std::vector<encode_request>& requests)
    {
        torch::NoGradGuard no_grad;
        const auto dev = engine_device();
        follow_device(codec, device, dev);
        std::vector<image> images;
        std::vector<double> snrs;
        for (auto& r : requests) {
            images.push_back(std::move(r.img));
            snrs.push_back(r.snr_db);
        }
        const auto latent = codec->encode(images_to_tensor(images).to(dev),
                                          snr_batch(codec->snr_adaptive(), snrs, dev));
        std::vector<outcome<symbol_vector>> out;
        for (size_t i = 0; i < requests.size(); ++i)
            out.push_back(
                symbols_outcome(latent[static_cast<int64_t>(i)], "the codec's encoder"));
        return out;
    }

    std::vector<outcome<image>> decode_batch(std::vector<decode_request>& requests)
    {
        torch::NoGradGuard no_grad;
        const auto dev = engine_device();
        follow_device(codec, device, dev);
        return decode_groups(
            requests, dev, "the codec's decoder", [&](const auto& latent, const auto& snrs) {
                return codec->decode(latent, snr_batch(codec->snr_adaptive(), snrs, dev));
            });
    }
};

facade::jscc_codec::jscc_codec(const std::string& model_path) : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->codec = load_jscc(locate_model(model_path));
    d_impl->codec->eval();
    auto* i = d_impl.get();
    d_impl->encode_op = std::make_unique<batched_operation<encode_request, symbol_vector>>(
        [i](auto& r) { return i->encode_batch(r); }, inference_engine::instance(), i);
    d_impl->decode_op = std::make_unique<batched_operation<decode_request, image>>(
        [i](auto& r) { return i->decode_batch(r); }, inference_engine::instance(), i);
    const auto s = shape();
    d_impl->encode_op->set_warm_up_sample({ grey_image(image_side()), 10.0 });
    d_impl->decode_op->set_warm_up_sample({ warm_up_symbols(s.num_symbols()), s, 10.0 });
}
facade::jscc_codec::~jscc_codec() = default;

int facade::jscc_codec::image_side() const { return d_impl->codec->config().image_side; }
int facade::jscc_codec::latent_channels() const
{
    return d_impl->codec->config().latent_channels();
}
latent_shape facade::jscc_codec::shape() const
{
    return { latent_channels(), image_side() / 4, image_side() / 4 };
}

bool facade::jscc_codec::snr_adaptive() const { return d_impl->codec->snr_adaptive(); }

namespace {
encode_request
make_encode(const facade::jscc_codec& codec, const image& img, std::optional<double> snr_db)
{
    if (img.empty())
        throw error("cannot encode an empty image");
    const double snr = checked_snr(codec.snr_adaptive(), snr_db);
    const int side = codec.image_side();
    return { (img.width == side && img.height == side) ? img : prepare_image(img, side),
             snr };
}
} // namespace

symbol_vector facade::jscc_codec::encode(const image& img, std::optional<double> snr_db)
{
    return d_impl->encode_op->call(make_encode(*this, img, snr_db));
}

bool facade::jscc_codec::submit_encode(const image& img,
                                       std::optional<double> snr_db,
                                       symbols_done done)
{
    return d_impl->encode_op->submit(make_encode(*this, img, snr_db), std::move(done));
}

image facade::jscc_codec::decode(const std::complex<float>* symbols,
                                 size_t num_symbols,
                                 std::optional<double> snr_db)
{
    symbol_vector s(symbols, symbols + num_symbols);
    const auto shape = checked_shape(latent_channels(), s);
    const double snr = checked_snr(snr_adaptive(), snr_db);
    return d_impl->decode_op->call({ std::move(s), shape, snr });
}

bool facade::jscc_codec::submit_decode(symbol_vector symbols,
                                       std::optional<double> snr_db,
                                       image_done done)
{
    const auto shape = checked_shape(latent_channels(), symbols);
    const double snr = checked_snr(snr_adaptive(), snr_db);
    return d_impl->decode_op->submit({ std::move(symbols), shape, snr }, std::move(done));
}

// ---------------------------------------------------------------- facade::inn

struct facade::inn::impl {
    ::semsteg::inn net { nullptr };
    lost_part_mode lost;
    std::optional<stego_key> key;
    std::string device = "cpu";
    // An INN with codec_round_trip: the codec Alice sends the containers through.
    ::semsteg::jscc_codec round_trip { nullptr };
    double round_trip_snr_db = 10.0;
    std::string round_trip_device = "cpu";
    std::unique_ptr<batched_operation<embed_request, symbol_vector>> embed_op;
    std::unique_ptr<batched_operation<extract_request, symbol_vector>> extract_op;

    void check_can_embed(bool from_image) const
    {
        if (net->config().codec_round_trip && !round_trip)
            throw error("this INN sends its containers through the public codec's round trip "
                        "(codec_round_trip): embedding needs that codec and the SNR Alice "
                        "encodes at (inn_embed: codec_model, snr_db)");
        if (from_image && !net->config().codec_round_trip)
            throw error("only an INN that sends through the public codec's round trip "
                        "embeds from host images (it has the codec to encode them): give "
                        "this one host latents");
        // From a latent the host's detail, x_h − D(z_h), is not at hand.
        if (!from_image && net->config().round_trip_host_detail)
            throw error("this INN adds the host image's detail back before the codec's "
                        "round trip (round_trip_host_detail): it embeds from host images, "
                        "not host latents (inn_embed: send the host image PDUs to 'host')");
    }

    //! An embedding from a host image (its checks; the image at the codec's side).
    embed_request from_image(image host, symbol_vector secret, uint64_t nonce) const
    {
        check_can_embed(true);
        if (host.empty())
            throw error("cannot embed into an empty host image");
        const int side = round_trip->config().image_side;
        if (host.width != side || host.height != side)
            host = prepare_image(host, side);
        const latent_shape grid { net->config().channels, side / 4, side / 4 };
        const auto payload = payload_shape(grid);
        if (secret.size() != payload.num_symbols())
            throw error("private latent has " + std::to_string(secret.size())
                        + " symbols; on the codec's " + std::to_string(side)
                        + " px grid this INN hides " + std::to_string(payload.num_symbols())
                        + " (is the private image coded with the INN's private codec?)");
        return { {}, std::move(secret), grid, payload, nonce, std::move(host) };
    }

    //! The payload of a container of `shape`: the INN's secret_channels() on its grid.
    latent_shape payload_shape(const latent_shape& shape) const
    {
        return { net->config().secret_channels(), shape.height, shape.width };
    }

    //! The key's plans for a group, on the payload (what is scrambled) of its latents.
    template <class Request>
    std::optional<latent_keying> keying(const std::vector<Request>& requests,
                                        const std::vector<size_t>& group,
                                        const torch::Device& dev) const
    {
        if (!key)
            return std::nullopt;
        std::vector<uint64_t> nonces;
        for (size_t i : group)
            nonces.push_back(requests[i].nonce);
        return latent_keying(
            *key,
            nonces,
            static_cast<int64_t>(payload_shape(requests[group[0]].shape).num_reals()),
            net->config().scramble_rounds,
            dev);
    }

    std::vector<outcome<symbol_vector>> embed_batch(std::vector<embed_request>& requests)
    {
        torch::NoGradGuard no_grad;
        const auto dev = engine_device();
        follow_device(net, device, dev);
        std::vector<outcome<symbol_vector>> out(requests.size());
        for (const auto& group :
             groups_by_size(requests, [](const embed_request& r) { return r.host.size(); })) {
            const auto& shape = requests[group[0]].shape;
            // Host images (empty host latents: a group of their own) are encoded here.
            torch::Tensor host_images;
            if (requests[group[0]].host_image) {
                std::vector<image> images;
                for (size_t i : group)
                    images.push_back(std::move(*requests[i].host_image));
                host_images = images_to_tensor(images).to(dev);
            }
            if (round_trip)
                follow_device(round_trip, round_trip_device, dev);
            const auto snrs = torch::full({ static_cast<int64_t>(group.size()) },
                                          round_trip_snr_db,
                                          torch::TensorOptions().device(dev));
            const auto zh = host_images.defined()
                ? round_trip->encode(host_images, snrs)
                : latent_batch(
                    group.size(),
                    shape,
                    [&](size_t j) -> const symbol_vector& { return requests[group[j]].host; },
                    dev);
            const auto zp = latent_batch(
                group.size(),
                requests[group[0]].secret_shape,
                [&](size_t j) -> const symbol_vector& { return requests[group[j]].secret; },
                dev);
            const auto k = keying(requests, group, dev);
            codec_range range;
            if (round_trip)
                range = { round_trip.get(), snrs, host_images };
            const auto sent = alice_embed(*net, zh, zp, k ? &*k : nullptr, range).sent;
            for (size_t j = 0; j < group.size(); ++j)
                out[group[j]]
                    = symbols_outcome(sent[static_cast<int64_t>(j)], "the INN's embedding");
        }
        return out;
    }

    std::vector<outcome<symbol_vector>> extract_batch(std::vector<extract_request>& requests)
    {
        torch::NoGradGuard no_grad;
        const auto dev = engine_device();
        follow_device(net, device, dev);
        std::vector<outcome<symbol_vector>> out(requests.size());
        for (const auto& group : groups_by_size(
                 requests, [](const extract_request& r) { return r.container.size(); })) {
            const auto zc = latent_batch(
                group.size(),
                requests[group[0]].shape,
                [&](size_t j) -> const symbol_vector& {
                    return requests[group[j]].container;
                },
                dev);
            const auto k = keying(requests, group, dev);
            const auto secret
                = bob_extract(*net, lost, zc, k ? &*k : nullptr).recovered.secret;
            for (size_t j = 0; j < group.size(); ++j)
                out[group[j]] = symbols_outcome(secret[static_cast<int64_t>(j)],
                                                "the INN's extraction");
        }
        return out;
    }
};

facade::inn::inn(const std::string& model_path,
                 const std::string& lost_mode,
                 const stego_key* key,
                 const std::optional<round_trip_codec>& round_trip)
    : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->lost = lost_part_mode::parse(lost_mode);
    d_impl->net = load_inn(locate_model(model_path));
    d_impl->net->eval();
    if (d_impl->net->config().private_downscale != 1)
        throw error("INN '" + model_path
                    + "' hides the latent of a downscaled private image (private_downscale "
                    + std::to_string(d_impl->net->config().private_downscale)
                    + "): semsteg-eval and semsteg-train read it; the blocks and programs "
                      "carry full-size payloads only (the whole latent, or a lower-rate "
                      "private codec's)");
    if (d_impl->net->config().codec_round_trip && round_trip) {
        const auto codec_path = locate_model(round_trip->path);
        check_inn_codec(locate_model(model_path), codec_path);
        d_impl->round_trip = load_jscc(codec_path);
        d_impl->round_trip->eval();
        d_impl->round_trip_snr_db = round_trip->snr_db;
    }
    check_lost_part_mode(d_impl->lost, *d_impl->net, model_path);
    check_inn_key(*d_impl->net, key != nullptr, model_path);
    if (key)
        d_impl->key = *key;
    auto* i = d_impl.get();
    d_impl->embed_op = std::make_unique<batched_operation<embed_request, symbol_vector>>(
        [i](auto& r) { return i->embed_batch(r); }, inference_engine::instance(), i);
    d_impl->extract_op = std::make_unique<batched_operation<extract_request, symbol_vector>>(
        [i](auto& r) { return i->extract_batch(r); }, inference_engine::instance(), i);
    const latent_shape grid { latent_channels(), warm_up_grid, warm_up_grid };
    const latent_shape payload { payload_channels(), warm_up_grid, warm_up_grid };
    if (needs_host_image() && d_impl->round_trip) {
        const int side = d_impl->round_trip->config().image_side;
        const latent_shape on_codec { payload_channels(), side / 4, side / 4 };
        d_impl->embed_op->set_warm_up_sample({ {},
                                               warm_up_symbols(on_codec.num_symbols()),
                                               { latent_channels(), side / 4, side / 4 },
                                               on_codec,
                                               0,
                                               grey_image(side) });
    } else if (!codec_round_trip() || d_impl->round_trip) // (else this one cannot embed)
        d_impl->embed_op->set_warm_up_sample({ warm_up_symbols(grid.num_symbols()),
                                               warm_up_symbols(payload.num_symbols()),
                                               grid,
                                               payload,
                                               0 });
    d_impl->extract_op->set_warm_up_sample({ warm_up_symbols(grid.num_symbols()), grid, 0 });
}
facade::inn::~inn() = default;

int facade::inn::latent_channels() const { return d_impl->net->config().channels; }
int facade::inn::payload_channels() const { return d_impl->net->config().secret_channels(); }
bool facade::inn::keyed() const { return d_impl->net->config().keyed; }
bool facade::inn::codec_round_trip() const { return d_impl->net->config().codec_round_trip; }
bool facade::inn::needs_host_image() const
{
    return d_impl->net->config().round_trip_host_detail;
}

bool facade::inn::file_is_keyed(const std::string& model_path)
{
    return inn_config::from_json(read_model_file(locate_model(model_path), kind_inn).config)
        .keyed;
}

namespace {
embed_request make_embed(int channels,
                         int payload_channels,
                         symbol_vector host,
                         symbol_vector secret,
                         uint64_t nonce)
{
    // The payload lies on the host's grid: its length is fixed by the host's.
    const size_t expected
        = host.size() / static_cast<size_t>(channels) * static_cast<size_t>(payload_channels);
    if (secret.size() != expected || host.size() % static_cast<size_t>(channels) != 0)
        throw error("host latent has " + std::to_string(host.size())
                    + " symbols, private latent " + std::to_string(secret.size())
                    + " (this INN hides " + std::to_string(payload_channels) + " of "
                    + std::to_string(channels) + " channels: the private latent must have "
                    + std::to_string(expected)
                    + "; is the private image coded with the INN's private codec?)");
    const auto shape = checked_shape(channels, host);
    const auto secret_shape = checked_shape(payload_channels, secret);
    return { std::move(host), std::move(secret), shape, secret_shape, nonce };
}
} // namespace

symbol_vector facade::inn::embed(const std::complex<float>* host,
                                 size_t host_symbols,
                                 const std::complex<float>* secret,
                                 size_t secret_symbols,
                                 uint64_t nonce)
{
    d_impl->check_can_embed(false);
    return d_impl->embed_op->call(make_embed(latent_channels(),
                                             payload_channels(),
                                             symbol_vector(host, host + host_symbols),
                                             symbol_vector(secret, secret + secret_symbols),
                                             nonce));
}

bool facade::inn::submit_embed(symbol_vector host,
                               symbol_vector secret,
                               uint64_t nonce,
                               symbols_done done)
{
    d_impl->check_can_embed(false);
    return d_impl->embed_op->submit(
        make_embed(
            latent_channels(), payload_channels(), std::move(host), std::move(secret), nonce),
        std::move(done));
}

symbol_vector facade::inn::embed_image(const image& host,
                                       const std::complex<float>* secret,
                                       size_t secret_symbols,
                                       uint64_t nonce)
{
    return d_impl->embed_op->call(
        d_impl->from_image(host, symbol_vector(secret, secret + secret_symbols), nonce));
}

bool facade::inn::submit_embed_image(image host,
                                     symbol_vector secret,
                                     uint64_t nonce,
                                     symbols_done done)
{
    return d_impl->embed_op->submit(
        d_impl->from_image(std::move(host), std::move(secret), nonce), std::move(done));
}

symbol_vector
facade::inn::extract(const std::complex<float>* container, size_t num_symbols, uint64_t nonce)
{
    symbol_vector c(container, container + num_symbols);
    const auto shape = checked_shape(latent_channels(), c);
    return d_impl->extract_op->call({ std::move(c), shape, nonce });
}

bool facade::inn::submit_extract(symbol_vector container, uint64_t nonce, symbols_done done)
{
    const auto shape = checked_shape(latent_channels(), container);
    return d_impl->extract_op->submit({ std::move(container), shape, nonce },
                                      std::move(done));
}

// ---------------------------------------------------------------- facade::mia

struct facade::mia::impl {
    decoder net { nullptr };
    std::string device = "cpu";
    std::unique_ptr<batched_operation<decode_request, image>> decode_op;

    std::vector<outcome<image>> decode_batch(std::vector<decode_request>& requests)
    {
        torch::NoGradGuard no_grad;
        const auto dev = engine_device();
        follow_device(net, device, dev);
        return decode_groups(
            requests, dev, "the inverse network", [&](const auto& latent, const auto&) {
                return net->forward(latent);
            });
    }
};

facade::mia::mia(const std::string& model_path) : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->net = load_mia(locate_model(model_path));
    d_impl->net->eval();
    auto* i = d_impl.get();
    d_impl->decode_op = std::make_unique<batched_operation<decode_request, image>>(
        [i](auto& r) { return i->decode_batch(r); }, inference_engine::instance(), i);
    const latent_shape grid { latent_channels(), warm_up_grid, warm_up_grid };
    d_impl->decode_op->set_warm_up_sample({ warm_up_symbols(grid.num_symbols()), grid, 0.0 });
}
facade::mia::~mia() = default;

int facade::mia::latent_channels() const { return d_impl->net->latent_channels(); }

image facade::mia::decode(const std::complex<float>* symbols,
                          size_t num_symbols,
                          std::optional<double> /*snr_db*/)
{
    symbol_vector s(symbols, symbols + num_symbols);
    const auto shape = checked_shape(latent_channels(), s);
    return d_impl->decode_op->call({ std::move(s), shape, 0.0 });
}

bool facade::mia::submit_decode(symbol_vector symbols,
                                std::optional<double> /*snr_db*/,
                                image_done done)
{
    const auto shape = checked_shape(latent_channels(), symbols);
    return d_impl->decode_op->submit({ std::move(symbols), shape, 0.0 }, std::move(done));
}

// ---------------------------------------------------------------- metrics

namespace {
struct quality_request {
    image reference, received;
};

// Quality is measured on the engine too (on the CPU: metrics are cheap and exact there),
// so that no thread but the engine's runs LibTorch.
std::vector<outcome<image_quality>> quality_batch(std::vector<quality_request>& requests)
{
    torch::NoGradGuard no_grad;
    std::vector<outcome<image_quality>> out(requests.size());
    for (const auto& group : groups_by_size(requests, [](const quality_request& r) {
             return static_cast<size_t>(r.received.width) << 32 | r.received.height;
         })) {
        std::vector<image> refs, recs;
        for (size_t i : group) {
            refs.push_back(std::move(requests[i].reference));
            recs.push_back(std::move(requests[i].received));
        }
        const auto a = images_to_tensor(refs);
        const auto b = images_to_tensor(recs);
        const auto p = psnr(a, b).to(torch::kDouble);
        const auto m = ms_ssim(a, b).to(torch::kDouble);
        for (size_t j = 0; j < group.size(); ++j)
            out[group[j]] = { image_quality { p[static_cast<int64_t>(j)].item<double>(),
                                              m[static_cast<int64_t>(j)].item<double>() },
                              "" };
    }
    return out;
}
} // namespace

namespace {
batched_operation<quality_request, image_quality>& quality_operation()
{
    // Made on first use, never destroyed (like the engine it runs on).
    static auto* op = [] {
        auto* made = new batched_operation<quality_request, image_quality>(quality_batch);
        made->set_warm_up_sample({ grey_image(64), grey_image(64) }); // the models' side
        return made;
    }();
    return *op;
}

void check_same_size(const image& reference, const image& received)
{
    if (reference.width != received.width || reference.height != received.height)
        throw error("quality: reference is " + std::to_string(reference.width) + "x"
                    + std::to_string(reference.height) + ", received "
                    + std::to_string(received.width) + "x" + std::to_string(received.height));
}
} // namespace

void prepare_quality_measurement() { quality_operation(); }

image_quality measure_quality(const image& reference, const image& received)
{
    check_same_size(reference, received);
    return quality_operation().call({ reference, received });
}

void submit_quality(const image& reference,
                    const image& received,
                    std::function<void(outcome<image_quality>&&)> done)
{
    check_same_size(reference, received);
    quality_operation().submit({ reference, received }, std::move(done), false);
}

} // namespace semsteg
