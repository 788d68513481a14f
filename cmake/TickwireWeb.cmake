# The web build's settings (docs/web.md says why each one is here), and
# tickwire_add_web_page(), which every page target uses.
#
# Debian's Emscripten 3.1.6 has a frozen cache: only the prebuilt system
# libraries exist, so no ports (-sUSE_SDL=2, -sUSE_ZLIB=1 ... fail) and
# nothing from /usr/include (glibc's headers would shadow the sysroot's).

# Exceptions on, at compile and at link: without them emcc drops every catch
# block and a throw ends the page with a bare pointer in the console.
add_compile_options(-fexceptions)
add_link_options(-fexceptions)

# Header-only dependencies get a build-local copy of their headers, found on
# the host and copied at configure time (a copy, never -I/usr/include).
# tickwire_web_copy_headers(<out-var> <header-under-include> <folder>)
set(TICKWIRE_WEB_INCLUDE_DIR ${CMAKE_BINARY_DIR}/web-include)
function(tickwire_web_copy_headers out_var probe folder)
  find_path(_tw_host_include ${probe} PATHS /usr/include /usr/local/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT _tw_host_include)
    message(FATAL_ERROR "web build: ${probe} not found on the host (scripts/install-deps.sh installs it)")
  endif()
  file(COPY ${_tw_host_include}/${folder} DESTINATION ${TICKWIRE_WEB_INCLUDE_DIR})
  unset(_tw_host_include CACHE)
  set(${out_var} ${TICKWIRE_WEB_INCLUDE_DIR} PARENT_SCOPE)
endfunction()

# The same for a header-only library too large to copy (Boost's headers are
# 180 MB): a build-local folder holding nothing but a symbolic link to the
# host's <folder>, so the include path still sees no glibc header.
# tickwire_web_link_headers(<out-var> <header-under-include> <folder>)
function(tickwire_web_link_headers out_var probe folder)
  find_path(_tw_host_include ${probe} PATHS /usr/include /usr/local/include NO_DEFAULT_PATH NO_CMAKE_FIND_ROOT_PATH)
  if(NOT _tw_host_include)
    message(FATAL_ERROR "web build: ${probe} not found on the host (scripts/install-deps.sh installs it)")
  endif()
  set(dir ${CMAKE_BINARY_DIR}/web-include-${folder})
  file(MAKE_DIRECTORY ${dir})
  file(CREATE_LINK ${_tw_host_include}/${folder} ${dir}/${folder} SYMBOLIC)
  unset(_tw_host_include CACHE)
  set(${out_var} ${dir} PARENT_SCOPE)
endfunction()

# Where the pages land: everything in it is what a web server serves.
set(TICKWIRE_WEB_OUTPUT_DIR ${CMAKE_BINARY_DIR}/web)

# tickwire_add_web_page(<name> SOURCES ... [LIBS ...] [SHELL file.html] [SUBDIR dir])
# One page: <web>/[dir/]<name>.html (from the shell file), <name>.js, <name>.wasm.
#  - single-threaded: no -pthread (a threaded page needs SharedArrayBuffer,
#    which browsers give only to cross-origin-isolated pages);
#  - -sENVIRONMENT=web: no Node.js code in the .js (it would not run under
#    Node 20 anyway: it fetch()es the .wasm by file path);
#  - memory grows on demand (a 256 KiB message must not abort the page);
#  - no MODULARIZE: one program per page, loaded by a plain <script>;
#  - -sMINIFY_HTML=0: Debian's emcc minifies .html output at -O1 and up by
#    running `htmlmin` with a malformed argument list (a Python TypeError).
function(tickwire_add_web_page name)
  cmake_parse_arguments(P "" "SHELL;SUBDIR" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${P_SOURCES})
  tickwire_warnings(${name})
  target_link_libraries(${name} PRIVATE ${P_LIBS})
  set(out_dir ${TICKWIRE_WEB_OUTPUT_DIR})
  if(P_SUBDIR)
    set(out_dir ${out_dir}/${P_SUBDIR})
  endif()
  set_target_properties(${name} PROPERTIES SUFFIX ".html" RUNTIME_OUTPUT_DIRECTORY ${out_dir})
  target_link_options(${name} PRIVATE
    -sENVIRONMENT=web
    -sALLOW_MEMORY_GROWTH=1
    -sMINIFY_HTML=0
    "-sEXPORTED_FUNCTIONS=_main,_malloc,_free")
  if(P_SHELL)
    target_link_options(${name} PRIVATE --shell-file ${P_SHELL})
    set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${P_SHELL})
  endif()
endfunction()
