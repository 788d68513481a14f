# cmake -P conform.cmake -DFLATC=... -DBASE=game.fbs -DNEXT=game_v2.fbs -DWORK=dir -DSTAMP=file
# game_v2.fbs lives in namespace tickwire.game_v2 so both versions can share a
# test binary; map it back before asking flatc whether it conforms to BASE.
file(READ ${NEXT} _next)
string(REPLACE "namespace tickwire.game_v2;" "namespace tickwire.game;" _next "${_next}")
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/game_v2_as_game.fbs "${_next}")
execute_process(
  COMMAND ${FLATC} --conform ${BASE} ${WORK}/game_v2_as_game.fbs
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "game_v2.fbs is not a legal evolution of game.fbs:\n${_out}")
endif()
file(TOUCH ${STAMP})
