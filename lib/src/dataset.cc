/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/dataset.h>
#include <semsteg/error.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numeric>

namespace fs = std::filesystem;

namespace semsteg {

std::vector<std::string> list_image_files(const std::string& folder)
{
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw error("dataset: '" + folder + "' is not a folder");
    std::vector<std::string> files;
    for (auto it = fs::recursive_directory_iterator(
             folder, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec))
            continue;
        std::string ext = it->path().extension().string();
        std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) {
            return static_cast<char>(std::tolower(c));
        });
        if (ext == ".jpg" || ext == ".jpeg" || ext == ".png")
            files.push_back(it->path().string());
    }
    if (files.empty())
        throw error("dataset: no .jpg/.jpeg/.png images in '" + folder + "'");
    std::sort(files.begin(), files.end());
    return files;
}

index_split split_indices(size_t n, double validation_fraction, uint64_t seed)
{
    if (!(validation_fraction >= 0.0 && validation_fraction < 1.0))
        throw error("dataset: validation fraction must be in [0,1), got "
                    + std::to_string(validation_fraction));
    std::vector<size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(seed);
    std::shuffle(order.begin(), order.end(), rng);
    const auto nval = static_cast<size_t>(std::llround(validation_fraction * n));
    index_split split;
    split.validation.assign(order.begin(), order.begin() + nval);
    split.train.assign(order.begin() + nval, order.end());
    std::sort(split.validation.begin(), split.validation.end());
    std::sort(split.train.begin(), split.train.end());
    return split;
}

std::pair<size_t, size_t> parse_range(const std::string& text, size_t n)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos)
        throw error("dataset: range '" + text + "' is not of the form BEGIN:END");
    auto field = [&](const std::string& s, size_t fallback) -> size_t {
        if (s.empty())
            return fallback;
        size_t used = 0;
        unsigned long long v = 0;
        try {
            v = std::stoull(s, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used != s.size())
            throw error("dataset: range '" + text + "' has a non-numeric bound '" + s + "'");
        return static_cast<size_t>(v);
    };
    const size_t begin = field(text.substr(0, colon), 0);
    const size_t end = std::min(field(text.substr(colon + 1), n), n);
    if (begin >= end)
        throw error("dataset: range '" + text + "' selects nothing of " + std::to_string(n)
                    + " images");
    return { begin, end };
}

image_set::image_set(const std::vector<std::string>& files, const options& opts)
{
    std::string first_reason; // named when no file can be read
    for (const auto& path : files) {
        try {
            image sq = center_crop_square(load_image(path), opts.crop_fraction);
            if (sq.width > opts.max_side)
                sq = resize(sq, opts.max_side, opts.max_side);
            d_images.push_back(std::move(sq));
            d_paths.push_back(path);
        } catch (const error& e) {
            ++d_skipped;
            d_skipped_files.push_back(path);
            if (first_reason.empty())
                first_reason = e.what();
        }
    }
    if (d_images.empty())
        throw error("dataset: none of the " + std::to_string(files.size())
                    + " image files could be read (the first: " + first_reason + ")");
}

image_set image_set::from_folder(const std::string& folder,
                                 const options& opts,
                                 const std::string& range)
{
    auto files = list_image_files(folder);
    const auto [begin, end] = parse_range(range, files.size());
    return image_set(
        std::vector<std::string>(files.begin() + static_cast<std::ptrdiff_t>(begin),
                                 files.begin() + static_cast<std::ptrdiff_t>(end)),
        opts);
}

image image_set::centered(size_t i, int side) const { return resize(stored(i), side, side); }

image image_set::random_crop(size_t i, int side, double min_scale, std::mt19937_64& rng) const
{
    return cut(i, random_crop_window(i, min_scale, rng), side);
}

image_set::crop_window
image_set::random_crop_window(size_t i, double min_scale, std::mt19937_64& rng) const
{
    const image& src = stored(i);
    std::uniform_real_distribution<double> scale(std::clamp(min_scale, 0.01, 1.0), 1.0);
    crop_window w;
    w.side = std::max(1, static_cast<int>(std::lround(src.width * scale(rng))));
    std::uniform_int_distribution<int> px(0, src.width - w.side);
    std::uniform_int_distribution<int> py(0, src.height - w.side);
    w.x = px(rng);
    w.y = py(rng);
    w.mirror = std::bernoulli_distribution(0.5)(rng);
    return w;
}

image image_set::cut(size_t i, const crop_window& w, int side) const
{
    image out = resize(crop(stored(i), w.x, w.y, w.side, w.side), side, side);
    return w.mirror ? flip_horizontal(out) : out;
}

pair_sampler::pair_sampler(std::vector<size_t> host_pool,
                           std::vector<size_t> private_pool,
                           uint64_t seed)
    : d_hosts(std::move(host_pool)), d_privates(std::move(private_pool)), d_rng(seed)
{
    if (d_hosts.empty() || d_privates.empty())
        throw error("pair sampler: empty host or private pool");
    if (d_hosts.size() == 1 && d_privates.size() == 1 && d_hosts[0] == d_privates[0])
        throw error("pair sampler: the only host is the only private image");
}

std::pair<size_t, size_t> pair_sampler::next()
{
    std::uniform_int_distribution<size_t> ph(0, d_hosts.size() - 1);
    std::uniform_int_distribution<size_t> pp(0, d_privates.size() - 1);
    const size_t p = d_privates[pp(d_rng)];
    // Rejection keeps the host uniform over the pool minus the private image itself.
    for (;;) {
        const size_t h = d_hosts[ph(d_rng)];
        if (h != p)
            return { h, p };
        if (d_hosts.size() == 1)
            return next(); // the only host equals p: draw another private image
    }
}

std::vector<std::pair<size_t, size_t>> pair_sampler::draw(size_t count)
{
    std::vector<std::pair<size_t, size_t>> pairs(count);
    for (auto& p : pairs)
        p = next();
    return pairs;
}

} // namespace semsteg
