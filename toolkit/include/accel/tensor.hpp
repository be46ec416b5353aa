#pragma once
// accel::Tensor — the course's one data type: row-major float32 of rank 1 to 3, stored
// 64-byte aligned (one cache line, and the widest SIMD load on any course machine).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace accel {

using Shape = std::vector<std::size_t>;

// "(128, 256)" — the form every shape takes in an error message.
std::string shape_string(const Shape& shape);

class Tensor {
 public:
  static constexpr std::size_t kAlignment = 64;

  // Zero-filled tensor; rank must be 1, 2 or 3 (a dimension may be 0): Tensor({128, 256}).
  explicit Tensor(Shape shape);
  // Given values in row-major order; their count must match the shape: Tensor({3}, {1, 2, 3}).
  Tensor(Shape shape, std::span<const float> values);
  Tensor(Shape shape, std::initializer_list<float> values);
  // Literals for hand-checked cases: Tensor{{1, 2}, {3, 4}}. Ragged rows are rejected.
  // (There is deliberately no rank-1 literal: Tensor({2, 3}) must mean the shape (2, 3).)
  Tensor(std::initializer_list<std::initializer_list<float>> rows);
  Tensor(std::initializer_list<std::initializer_list<std::initializer_list<float>>> planes);

  // Uniform values in [low, high) from a seeded generator: the same seed, the same tensor.
  static Tensor random(Shape shape, std::uint64_t seed, float low = -1.0f, float high = 1.0f);

  Tensor(const Tensor& other);
  Tensor& operator=(const Tensor& other);
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  ~Tensor() = default;

  const Shape& shape() const { return shape_; }
  std::size_t rank() const { return shape_.size(); }
  std::size_t dim(std::size_t axis) const;  // checked: throws std::out_of_range
  std::size_t size() const { return size_; }
  std::string shape_string() const { return accel::shape_string(shape_); }

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::span<float> span() { return {data_.get(), size_}; }
  std::span<const float> span() const { return {data_.get(), size_}; }

  // Checked element access: the number of indices must equal the rank and each must be
  // in range, otherwise std::out_of_range. Kernels use data(); these are for tests and demos.
  float& operator()(std::size_t i);
  float& operator()(std::size_t i, std::size_t j);
  float& operator()(std::size_t i, std::size_t j, std::size_t k);
  float operator()(std::size_t i) const;
  float operator()(std::size_t i, std::size_t j) const;
  float operator()(std::size_t i, std::size_t j, std::size_t k) const;

 private:
  struct AlignedFree {
    void operator()(float* p) const;
  };
  std::size_t offset(std::initializer_list<std::size_t> index) const;

  Shape shape_;
  std::size_t size_ = 0;
  std::unique_ptr<float[], AlignedFree> data_;
};

}  // namespace accel
