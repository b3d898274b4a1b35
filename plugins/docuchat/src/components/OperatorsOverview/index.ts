export { OperatorsOverviewPage } from './OperatorsOverviewPage';
