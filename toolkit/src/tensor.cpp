#include "accel/tensor.hpp"

#include <algorithm>
#include <cstring>
#include <new>
#include <random>
#include <stdexcept>

namespace accel {

std::string shape_string(const Shape& shape) {
  std::string text = "(";
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    if (axis > 0) text += ", ";
    text += std::to_string(shape[axis]);
  }
  return text + ")";
}

namespace {

std::size_t element_count(const Shape& shape) {
  if (shape.empty() || shape.size() > 3) {
    throw std::invalid_argument("Tensor rank must be 1, 2 or 3, got shape " + shape_string(shape));
  }
  std::size_t count = 1;
  for (std::size_t extent : shape) count *= extent;
  return count;
}

template <typename Rows>
std::size_t common_length(const Rows& rows, const char* what) {
  const std::size_t length = rows.size() == 0 ? 0 : rows.begin()->size();
  for (const auto& row : rows) {
    if (row.size() != length) throw std::invalid_argument(std::string("Tensor literal has ragged ") + what);
  }
  return length;
}

}  // namespace

// Storage comes from the aligned form of operator new (not aligned_alloc), so a program
// that replaces operator new to count heap traffic (stage 04 does) sees every tensor.
void Tensor::AlignedFree::operator()(float* p) const { ::operator delete(p, std::align_val_t{kAlignment}); }

Tensor::Tensor(Shape shape) : shape_(std::move(shape)), size_(element_count(shape_)) {
  // Whole cache lines, never 0 bytes: the padding after the last element is zeroed too.
  const std::size_t bytes = std::max<std::size_t>(kAlignment, (size_ * sizeof(float) + kAlignment - 1) / kAlignment * kAlignment);
  data_.reset(static_cast<float*>(::operator new(bytes, std::align_val_t{kAlignment})));  // throws std::bad_alloc
  std::memset(data_.get(), 0, bytes);
}

Tensor::Tensor(Shape shape, std::span<const float> values) : Tensor(std::move(shape)) {
  if (values.size() != size_) {
    throw std::invalid_argument(std::to_string(values.size()) + " values for a tensor of shape " + shape_string());
  }
  std::copy(values.begin(), values.end(), data());
}

Tensor::Tensor(Shape shape, std::initializer_list<float> values)
    : Tensor(std::move(shape), std::span<const float>(values.begin(), values.size())) {}

Tensor::Tensor(std::initializer_list<std::initializer_list<float>> rows)
    : Tensor(Shape{rows.size(), common_length(rows, "rows")}) {
  float* out = data();
  for (const auto& row : rows) out = std::copy(row.begin(), row.end(), out);
}

Tensor::Tensor(std::initializer_list<std::initializer_list<std::initializer_list<float>>> planes)
    : Tensor(Shape{planes.size(), common_length(planes, "planes"),
                   planes.size() == 0 ? 0 : common_length(*planes.begin(), "rows")}) {
  float* out = data();
  for (const auto& plane : planes) {
    if (common_length(plane, "rows") != shape_[2] || plane.size() != shape_[1]) {
      throw std::invalid_argument("Tensor literal has ragged rows");
    }
    for (const auto& row : plane) out = std::copy(row.begin(), row.end(), out);
  }
}

Tensor Tensor::random(Shape shape, std::uint64_t seed, float low, float high) {
  Tensor tensor(std::move(shape));
  std::mt19937_64 generator(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  for (float& value : tensor.span()) value = uniform(generator);
  return tensor;
}

Tensor::Tensor(const Tensor& other) : Tensor(other.shape_) {
  std::copy(other.data(), other.data() + size_, data());
}

Tensor& Tensor::operator=(const Tensor& other) {
  if (this != &other) *this = Tensor(other);
  return *this;
}

std::size_t Tensor::dim(std::size_t axis) const {
  if (axis >= shape_.size()) {
    throw std::out_of_range("axis " + std::to_string(axis) + " of a tensor of shape " + shape_string());
  }
  return shape_[axis];
}

std::size_t Tensor::offset(std::initializer_list<std::size_t> index) const {
  if (index.size() != shape_.size()) {
    throw std::out_of_range(std::to_string(index.size()) + " indices for a tensor of shape " + shape_string());
  }
  std::size_t flat = 0;
  std::size_t axis = 0;
  for (std::size_t i : index) {
    if (i >= shape_[axis]) {
      throw std::out_of_range("index " + std::to_string(i) + " on axis " + std::to_string(axis) +
                              " of a tensor of shape " + shape_string());
    }
    flat = flat * shape_[axis] + i;
    ++axis;
  }
  return flat;
}

float& Tensor::operator()(std::size_t i) { return data_[offset({i})]; }
float& Tensor::operator()(std::size_t i, std::size_t j) { return data_[offset({i, j})]; }
float& Tensor::operator()(std::size_t i, std::size_t j, std::size_t k) { return data_[offset({i, j, k})]; }
float Tensor::operator()(std::size_t i) const { return data_[offset({i})]; }
float Tensor::operator()(std::size_t i, std::size_t j) const { return data_[offset({i, j})]; }
float Tensor::operator()(std::size_t i, std::size_t j, std::size_t k) const { return data_[offset({i, j, k})]; }

}  // namespace accel
