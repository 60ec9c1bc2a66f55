// Boost.JSON compiled into kronosctl in header-only mode, so the tool needs no link flag beyond
// the libraries its CMakeLists.txt names. Include <boost/json.hpp> elsewhere; this file must be
// the only one that includes src.hpp, or the linker finds the definitions twice.
#include <boost/json/src.hpp>
