// Writes a roofline SVG from fixed roofs and points with the reference write_roofline_svg,
// for project.roofline_svg_renders to render: the picture is checked, not the numbers.
//   roofline_svg_sample <path.svg>

#include <iostream>
#include <vector>

#include "roofline.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: roofline_svg_sample <path.svg>\n";
    return 2;
  }
  namespace s06 = accel::stage06;
  const s06::MachineRoofs roofs{{{"FMA peak", 160}, {"no FMA", 80}, {"no SIMD", 10}},
                                {{"L1", 200}, {"L2", 87}, {"L3", 23}, {"DRAM", 9}}};
  const std::vector<s06::KernelPoint> points{{"add", 1.0 / 12, 0.7}, {"dot", 0.25, 2.1}, {"gelu fused", 1.125, 9.0},
                                             {"sgemm 1024", 1024.0 / 6, 55}};
  s06::write_roofline_svg(roofs, points, argv[1]);
  return 0;
}
