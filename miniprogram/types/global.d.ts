/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.scss';

/** Taro inlines these at build time; there is no Node `process` at run time. */
declare const process: {
  env: {
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'rn';
    /** API origin for the mini-program build, e.g. https://12345.example.gov.cn; H5 uses its own origin. */
    TARO_APP_API_BASE?: string;
    NODE_ENV?: string;
  };
};
