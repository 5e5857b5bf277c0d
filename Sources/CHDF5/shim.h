#ifndef C_THETA_HDF5_H
#define C_THETA_HDF5_H
#include <hdf5.h>
/* HDF5's type, flag and property-list constants are macros Swift cannot import. */
static inline hid_t CHDF5_nativeDouble(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t CHDF5_nativeFloat(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t CHDF5_nativeInt64(void) { return H5T_NATIVE_INT64; }
static inline hid_t CHDF5_nativeInt8(void) { return H5T_NATIVE_INT8; }
static inline hid_t CHDF5_nativeUInt8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t CHDF5_ieeeF64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t CHDF5_ieeeF32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t CHDF5_stdI64LE(void) { return H5T_STD_I64LE; }
static inline hid_t CHDF5_stdI8LE(void) { return H5T_STD_I8LE; }
static inline hid_t CHDF5_stdU8LE(void) { return H5T_STD_U8LE; }
static inline hid_t CHDF5_cS1(void) { return H5T_C_S1; }
static inline size_t CHDF5_variable(void) { return H5T_VARIABLE; }
static inline hid_t CHDF5_fileAccess(void) { return H5P_FILE_ACCESS; }
static inline hid_t CHDF5_default(void) { return H5P_DEFAULT; }
static inline hid_t CHDF5_errorDefault(void) { return H5E_DEFAULT; }
static inline hid_t CHDF5_all(void) { return H5S_ALL; }
static inline unsigned CHDF5_accTrunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned CHDF5_accRdonly(void) { return H5F_ACC_RDONLY; }
/* Turns off HDF5's automatic printing of its error stack to stderr (per thread). */
static inline void CHDF5_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }
#endif
