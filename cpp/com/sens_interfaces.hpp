// ISensLogon / ISensLogon2 and the SENS identifiers (DESIGN.md §2).
#pragma once

#include "com_platform.hpp"

#ifndef _WIN32
// Vtable order after IDispatch's seven slots, as in sensevts.idl.
struct ISensLogon : IDispatch {
    virtual HRESULT STDMETHODCALLTYPE Logon(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE Logoff(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE StartShell(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE DisplayLock(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE DisplayUnlock(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE StartScreenSaver(BSTR bstrUserName) = 0;
    virtual HRESULT STDMETHODCALLTYPE StopScreenSaver(BSTR bstrUserName) = 0;

protected:
    ~ISensLogon() = default;
};

struct ISensLogon2 : IDispatch {
    virtual HRESULT STDMETHODCALLTYPE Logon(BSTR bstrUserName, DWORD dwSessionId) = 0;
    virtual HRESULT STDMETHODCALLTYPE Logoff(BSTR bstrUserName, DWORD dwSessionId) = 0;
    virtual HRESULT STDMETHODCALLTYPE SessionDisconnect(BSTR bstrUserName, DWORD dwSessionId) = 0;
    virtual HRESULT STDMETHODCALLTYPE SessionReconnect(BSTR bstrUserName, DWORD dwSessionId) = 0;
    virtual HRESULT STDMETHODCALLTYPE PostShell(BSTR bstrUserName, DWORD dwSessionId) = 0;

protected:
    ~ISensLogon2() = default;
};
#endif

namespace pysens2 {

// Defined once, in sens_guids.cpp: the SDKs declare some of these but
// mingw-w64 defines none, so the project uses its own names everywhere.
extern const GUID kIID_ISensLogon;
extern const GUID kIID_ISensLogon2;
extern const GUID kSENSGUID_EVENTCLASS_LOGON;
extern const GUID kSENSGUID_EVENTCLASS_LOGON2;
extern const GUID kSENSGUID_PUBLISHER;
extern const GUID kLIBID_SensEvents;

}  // namespace pysens2
