# cmake -P conform.cmake -DFLATC=... -DBASE=x.fbs -DNEXT=x_v2.fbs -DFROM_NS=tickwire.x_v2
#                        -DTO_NS=tickwire.x -DWORK=dir -DSTAMP=file
# The v2 schemas live in their own namespace so both versions can share a
# test binary; map it back before asking flatc whether NEXT conforms to BASE.
get_filename_component(_name ${NEXT} NAME_WE)
file(READ ${NEXT} _next)
string(REPLACE "namespace ${FROM_NS};" "namespace ${TO_NS};" _next "${_next}")
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/${_name}_renamespaced.fbs "${_next}")
execute_process(
  COMMAND ${FLATC} --conform ${BASE} ${WORK}/${_name}_renamespaced.fbs
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${NEXT} is not a legal evolution of ${BASE}:\n${_out}")
endif()
file(TOUCH ${STAMP})
