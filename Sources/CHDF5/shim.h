#ifndef C_THETA_HDF5_H
#define C_THETA_HDF5_H
#include <hdf5.h>
/* HDF5's type and flag constants are macros Swift cannot import. */
static inline hid_t CHDF5_nativeDouble(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t CHDF5_nativeFloat(void) { return H5T_NATIVE_FLOAT; }
static inline unsigned CHDF5_accTrunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned CHDF5_accRdonly(void) { return H5F_ACC_RDONLY; }
#endif
