# -DTICKWIRE_SANITIZE=address,undefined  or  -DTICKWIRE_SANITIZE=thread
# Applied globally so every target (and the tests) share one runtime.
if(TICKWIRE_SANITIZE)
  string(REPLACE ";" "," _tw_san "${TICKWIRE_SANITIZE}")
  message(STATUS "tickwire: sanitizers ${_tw_san}")
  add_compile_options(-fsanitize=${_tw_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_tw_san})
  add_compile_definitions(TICKWIRE_SANITIZED=1)
  if(_tw_san MATCHES "undefined")
    # UBSan's vptr and null checks more than double the compile time of the
    # Beast translation units (net/src/native/*: 176 s -> 83 s each at -O0,
    # measured with GCC 12), which kept CI past its 30 minutes. A null
    # dereference still stops the test under ASan (SEGV); the other UB checks stay.
    add_compile_options(-fno-sanitize=vptr,null)
  endif()
  if(_tw_san MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 warns at every inlined std::atomic_thread_fence that TSan does
    # not model fences; the only ones here are Asio's handler-invocation
    # fences (std_fenced_block), 27 warnings in Boost headers per build.
    # A fence TSan does not see can only cause a false report, and the
    # suite passes under TSan, so the warning only buries real ones.
    add_compile_options(-Wno-tsan)
  endif()
endif()
